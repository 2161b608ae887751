/**
 * `citycloud verify BUNDLE OUT`: exit 0 only when OUT is exactly the NEW side the bundle's review
 * names and the signature is good (by an allowed signer, when an allowed-signers file is given or
 * named by the inventory); otherwise exit 1 with each differing file or the signature's problem.
 */
import { dirname, resolve } from 'node:path';
import { readEvidence, verifyEvidence } from '../../audit/evidence.ts';
import { loadCity } from '../../model/index.ts';
import { EXIT } from '../cli/exit-codes.ts';

export interface VerifyOptions {
  readonly bundle: string;
  readonly out: string;
  readonly allowedSigners?: string;
  readonly inventory?: string;
  readonly json?: boolean;
}

/** The allowed-signers file: the option, else the inventory's deploy.allowedSigners (relative to it). */
function allowedSigners(opts: VerifyOptions): string | null {
  if (opts.allowedSigners) return resolve(opts.allowedSigners);
  if (!opts.inventory) return null;
  const named = loadCity(opts.inventory).model?.deploy.allowedSigners;
  return named ? resolve(dirname(opts.inventory), named) : null;
}

export function runVerify(opts: VerifyOptions): number {
  const evidence = readEvidence(opts.bundle);
  const v = verifyEvidence(evidence, opts.out, allowedSigners(opts));
  const ok = v.sameOutput && v.signature.ok;
  if (opts.json) {
    console.log(
      JSON.stringify(
        {
          verified: ok,
          reviewer: evidence.reviewer,
          reviewedAt: evidence.reviewedAt,
          differences: v.differences,
          signature: v.signature,
        },
        null,
        2,
      ),
    );
    return ok ? EXIT.ok : EXIT.problems;
  }
  for (const d of v.differences) console.error(`✗ ${opts.out}/${d}`);
  if (!v.signature.ok) console.error(`✗ ${v.signature.problem}`);
  if (!ok) {
    console.error(
      `✗ ${opts.out} is not verified by ${opts.bundle}${v.differences.length ? `: ${v.differences.length} file${v.differences.length > 1 ? 's differ' : ' differs'} from the review` : ''}`,
    );
    return EXIT.problems;
  }
  console.log(
    `✓ ${opts.out} is exactly the output ${evidence.reviewer} reviewed on ${evidence.reviewedAt}; ${
      v.signature.ok && v.signature.signerChecked
        ? 'the signature verifies against the allowed signers'
        : 'the signature is good, but its signer was not checked (no allowed-signers file: pass --allowed-signers)'
    }`,
  );
  return EXIT.ok;
}
