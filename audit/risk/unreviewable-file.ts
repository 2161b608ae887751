/**
 * Critical: a file synth never writes, in an output — an `*_override.tf.json`, a `cdk.tofu.json`
 * or `*.tofu`, a `terraform.tfstate`, an asset folder. No differ can say what it does, and
 * Terraform, OpenTofu or the AWS CDK may read it all the same (overrides merge into the stack,
 * OpenTofu prefers `.tofu` files). verify and deploy refuse an output holding one.
 */
import type { Change } from '../change.ts';
import { fired, NOT_APPLICABLE, type RiskOutcome } from './risk-rule.ts';

export const unreviewableFile = (c: Change): RiskOutcome =>
  c.facts.of === 'file' && c.facts.unknown && c.action !== 'remove'
    ? fired(
        `${c.id} is no file synth writes: the tools may read it, and verify and deploy refuse an output that holds it`,
      )
    : NOT_APPLICABLE;
