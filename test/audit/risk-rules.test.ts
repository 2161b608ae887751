/**
 * Each risk rule on its own, three ways as the model rules are: a change it fires on (and why), a
 * change of its kind it finds fine (compliant), and a change that is none of its business (not
 * applicable). The pack lists every rule once, each in a file of its own name.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Change, Facts } from '../../audit/change.ts';
import { RISK_RULES } from '../../audit/risk/pack.ts';
import { ROOT } from '../helpers/city.ts';

const change = (facts: Facts, more: Partial<Change> = {}): Change => ({
  area: 'inventory',
  artifact: 'model/city.json',
  kind: 'x',
  id: 'x',
  action: 'change',
  summary: 'x changed',
  attributes: [],
  facts,
  ...more,
});
const policy = (
  p: Extract<Facts, { of: 'policy' }>['policy'],
  before: string,
  after: string,
  added: string[] = [],
) => change({ of: 'policy', policy: p, before, after, added, removed: [] }, { kind: 'policy', id: p });
const block = (b: Extract<Facts, { of: 'terraform-block' }>, more: Partial<Change> = {}) =>
  change(b, {
    area: 'terraform',
    artifact: 'terraform/stacks/x/cdk.tf.json',
    stack: 'x',
    kind: b.block,
    ...more,
  });
const SERVER = change({ of: 'server', pool: 'web' }, { kind: 'server' });

const CASES: Record<string, { fired: Change; compliant?: Change; notApplicable: Change; because?: RegExp }> =
  {
    'state-backend-moved': {
      fired: block(
        { of: 'terraform-block', block: 'backend', backendBefore: 'local', backendAfter: 's3' },
        { id: 'terraform.backend' },
      ),
      notApplicable: block({ of: 'terraform-block', block: 'output' }),
      because: /^the state of stack x moves: local → s3$/,
    },
    'review-turned-off': {
      fired: policy('require-review', 'true', 'false'),
      compliant: policy('require-review', 'false', 'true'),
      notApplicable: policy('four-eyes', 'true', 'false'),
    },
    'residency-widened': {
      fired: policy('residency', 'VN', 'VN, SG', ['SG']),
      compliant: policy('residency', 'VN, SG', 'VN'),
      notApplicable: SERVER,
      because: /also be kept in SG/,
    },
    'unreviewable-file': {
      fired: change(
        { of: 'file', unknown: true },
        { area: 'output', kind: 'file', id: 'terraform/x.tofu', action: 'add' },
      ),
      notApplicable: SERVER,
    },
    'module-source-changed': {
      fired: block(
        { of: 'terraform-block', block: 'module', sourceBefore: 'a@1', sourceAfter: 'b@1' },
        { id: 'module.m' },
      ),
      compliant: block(
        { of: 'terraform-block', block: 'module', sourceBefore: 'a@1', sourceAfter: 'a@1' },
        { id: 'module.m' },
      ),
      notApplicable: block({ of: 'terraform-block', block: 'provider' }),
      because: /^module\.m runs code from b@1 \(was a@1\)$/,
    },
    'provisioner-runs': {
      fired: change(
        { of: 'terraform-resource', type: 'terraform_data', constructPath: '', provisioners: ['local-exec'] },
        { area: 'terraform', id: 'terraform_data.d', action: 'add' },
      ),
      compliant: change(
        { of: 'terraform-resource', type: 'terraform_data', constructPath: '' },
        { area: 'terraform', action: 'add' },
      ),
      notApplicable: SERVER,
      because: /^terraform_data\.d runs provisioners \(local-exec\) when it is applied$/,
    },
    'reviewer-added': {
      fired: change(
        { of: 'reviewer', principals: 'm@x', key: 'ssh-ed25519 AAAA' },
        { kind: 'reviewer', action: 'add' },
      ),
      compliant: change(
        { of: 'reviewer', principals: 'm@x', key: 'ssh-ed25519 AAAA' },
        { kind: 'reviewer', action: 'remove' },
      ),
      notApplicable: SERVER,
    },
    'four-eyes-off': {
      fired: policy('four-eyes', 'true', 'false'),
      compliant: policy('four-eyes', 'false', 'true'),
      notApplicable: policy('require-review', 'true', 'false'),
    },
    'provider-changed': {
      fired: block(
        {
          of: 'terraform-block',
          block: 'required-provider',
          sourceBefore: 'kubernetes@2.38.0',
          sourceAfter: 'evil/kubernetes@2.38.0',
        },
        { id: 'terraform.required_providers.kubernetes' },
      ),
      notApplicable: block({ of: 'terraform-block', block: 'data' }),
    },
    'monitoring-loosened': {
      fired: policy('disabled-alerts', '(none)', 'ServerDown', ['ServerDown']),
      compliant: policy('disabled-alerts', 'ServerDown', '(none)'),
      notApplicable: SERVER,
    },
    'pool-below-headroom': {
      fired: change(
        { of: 'pool', belowHeadroomBefore: false, belowHeadroomAfter: true, shortfall: 'cpu short' },
        { kind: 'pool', id: 'web' },
      ),
      compliant: change(
        { of: 'pool', belowHeadroomBefore: true, belowHeadroomAfter: true },
        { kind: 'pool' },
      ),
      notApplicable: SERVER,
      because: /^pool web is left below its headroom: cpu short$/,
    },
    'warehouse-redundancy-reduced': {
      fired: change(
        {
          of: 'warehouse',
          classification: 'personal',
          replicasBefore: 3,
          replicasAfter: 2,
          newDestinations: [],
        },
        { kind: 'warehouse', id: 'wa' },
      ),
      compliant: change(
        {
          of: 'warehouse',
          classification: 'personal',
          replicasBefore: 2,
          replicasAfter: 3,
          newDestinations: [],
        },
        { kind: 'warehouse' },
      ),
      notApplicable: SERVER,
      because: /^warehouse wa: replicas 3 → 2$/,
    },
    'backup-protection-reduced': {
      fired: change(
        { of: 'offsite', retentionDaysBefore: 35, retentionDaysAfter: 7 },
        { kind: 'offsite', id: 'offsite' },
      ),
      compliant: change(
        { of: 'offsite', retentionDaysBefore: 35, retentionDaysAfter: 40 },
        { kind: 'offsite' },
      ),
      notApplicable: SERVER,
    },
    'personal-data-new-place': {
      fired: change(
        { of: 'warehouse', classification: 'personal', newDestinations: ['link to x (SG)'] },
        { kind: 'warehouse' },
      ),
      compliant: change(
        { of: 'warehouse', classification: 'personal', newDestinations: [] },
        { kind: 'warehouse' },
      ),
      notApplicable: change(
        { of: 'warehouse', classification: 'open', newDestinations: ['link'] },
        { kind: 'warehouse' },
      ),
    },
    'site-renumbered': {
      fired: change(
        { of: 'network-object', prefix: '10.0.0.0/26', renumbered: true },
        { area: 'network', kind: 'site' },
      ),
      compliant: change(
        { of: 'network-object', prefix: '10.0.0.0/26', renumbered: false },
        { area: 'network', kind: 'site' },
      ),
      notApplicable: SERVER,
    },
    'access-broadened': {
      fired: change(
        { of: 'iam-statement', broadens: true },
        { area: 'cloudformation', kind: 'iam-statement', action: 'add' },
      ),
      compliant: change(
        { of: 'iam-statement', broadens: false },
        { area: 'cloudformation', kind: 'iam-statement', action: 'remove' },
      ),
      notApplicable: SERVER,
    },
    'network-access-widened': {
      fired: change(
        { of: 'security-group-rule', widens: true },
        { area: 'cloudformation', kind: 'security-group-rule', action: 'add' },
      ),
      compliant: change(
        { of: 'security-group-rule', widens: false },
        { area: 'cloudformation', kind: 'security-group-rule', action: 'remove' },
      ),
      notApplicable: SERVER,
    },
    'newly-public': {
      fired: change(
        {
          of: 'cloudformation-resource',
          type: 'AWS::S3::BucketPolicy',
          bucketPolicy: { anyoneBefore: false, anyoneAfter: true },
        },
        { area: 'cloudformation', kind: 'AWS::S3::BucketPolicy' },
      ),
      compliant: change(
        {
          of: 'cloudformation-resource',
          type: 'AWS::S3::BucketPolicy',
          bucketPolicy: { anyoneBefore: false, anyoneAfter: false },
        },
        { area: 'cloudformation', kind: 'AWS::S3::BucketPolicy' },
      ),
      notApplicable: SERVER,
    },
    'stateful-data-lost': {
      fired: change(
        { of: 'terraform-resource', type: 'kubernetes_stateful_set_v1', constructPath: '' },
        { area: 'terraform', action: 'remove' },
      ),
      compliant: change(
        { of: 'terraform-resource', type: 'kubernetes_stateful_set_v1', constructPath: '' },
        { area: 'terraform', action: 'change' },
      ),
      notApplicable: SERVER,
    },
    'other-replacement': {
      fired: change({ of: 'monitoring-object' }, { action: 'replace' }),
      notApplicable: SERVER,
    },
    'other-removal': {
      fired: change({ of: 'monitoring-object' }, { action: 'remove' }),
      notApplicable: SERVER,
    },
    drift: { fired: change({ of: 'monitoring-object' }, { action: 'drift' }), notApplicable: SERVER },
    addition: { fired: change({ of: 'monitoring-object' }, { action: 'add' }), notApplicable: SERVER },
    'in-place-update': {
      fired: SERVER,
      notApplicable: change({ of: 'monitoring-object' }, { action: 'add' }),
    },
  };

describe('the risk rules', () => {
  it('are each one file of their own name, once in the pack, and each has its cases here', () => {
    const ids = RISK_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of RISK_RULES)
      expect(existsSync(join(ROOT, 'audit/risk', `${r.name}.ts`)), r.name).toBe(true);
    expect(Object.keys(CASES).sort()).toEqual(RISK_RULES.map((r) => r.name).sort());
  });

  it.each(RISK_RULES.map((r) => [r.id, r.name, r] as const))(
    '%s %s: fired, compliant, not applicable',
    (_id, name, rule) => {
      const c = CASES[name] as (typeof CASES)[string];
      const outcome = rule.check(c.fired);
      expect(outcome.status).toBe('fired');
      if (c.because && outcome.status === 'fired') expect(outcome.because).toMatch(c.because);
      if (c.compliant) expect(rule.check(c.compliant)).toEqual({ status: 'compliant' });
      expect(rule.check(c.notApplicable)).toEqual({ status: 'not-applicable' });
    },
  );
});
