/**
 * The reviewers' OpenSSH allowed-signers file (ssh-keygen(1), "ALLOWED SIGNERS"): one key a line,
 * `principals [options] keytype base64-key [comment]`, `#` comments and blank lines ignored. Read
 * strictly — a line that is not one signer is refused at its line, never skipped — because what
 * it lists decides whose signature opens the review gate.
 */
import type { InputProblem } from './input-error.ts';

/** One signer: who (principals, comma-separated patterns), restricted how (options), and the key. */
export interface Reviewer {
  readonly principals: string;
  /** `namespaces="…"`, `cert-authority`, `valid-after="…"`, `valid-before="…"`, comma-separated; '' for none. */
  readonly options: string;
  /** The key type and its base64 body: `ssh-ed25519 AAAA…`. */
  readonly key: string;
}

const KEY_TYPE =
  /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com)$/;
const BASE64 = /^[A-Za-z0-9+/]{16,}={0,2}$/;
const PRINCIPALS = /^[A-Za-z0-9@._*?!+-]+(,[A-Za-z0-9@._*?!+-]+)*$/;
const OPTION = /^(cert-authority|(namespaces|valid-after|valid-before)="[^"\\\s]*")$/i;

/** The fields of a line: spaces separate them, except inside the double quotes of an option. */
function fields(line: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (const c of line) {
    if (c === '"') quoted = !quoted;
    if (!quoted && (c === ' ' || c === '\t')) {
      if (current) out.push(current);
      current = '';
    } else current += c;
  }
  if (current) out.push(current);
  return out;
}

/** The options field split at the commas outside quotes. */
const optionList = (field: string) => field.match(/[^,"=]+(="[^"]*")?/g) ?? [];

/** One signer line as a reviewer, or what is wrong with it. */
function parseLine(line: string): Reviewer | { readonly problem: string } {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(line)) return { problem: 'a control character' };
  const f = fields(line);
  const typeAt = f.findIndex((x, n) => n > 0 && KEY_TYPE.test(x));
  if (typeAt < 1 || typeAt > 2)
    return { problem: 'no key type (ssh-ed25519, ecdsa-sha2-…, ssh-rsa) where one belongs' };
  const [principals, options] = [f[0] as string, typeAt === 2 ? (f[1] as string) : ''];
  if (!PRINCIPALS.test(principals))
    return {
      problem: `principals ${JSON.stringify(principals.slice(0, 60))} are not a comma-separated list of names`,
    };
  if (options && !optionList(options).every((o) => OPTION.test(o)))
    return {
      problem: `options ${JSON.stringify(options.slice(0, 60))} are not namespaces="…", cert-authority, valid-after="…" or valid-before="…"`,
    };
  const body = f[typeAt + 1];
  if (!body || !BASE64.test(body)) return { problem: 'the key is not base64' };
  return { principals, options, key: `${f[typeAt]} ${body}` };
}

/** The signers of an allowed-signers file, or the problems of its lines (file:line each). */
export function parseAllowedSigners(
  text: string,
  file: string,
): { readonly reviewers: Reviewer[]; readonly problems: InputProblem[] } {
  const reviewers: Reviewer[] = [];
  const problems: InputProblem[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const r = parseLine(line);
    if ('problem' in r)
      problems.push({
        file,
        line: i + 1,
        column: 1,
        message: `${r.problem}; expected "principals [options] keytype base64-key" (ssh-keygen ALLOWED SIGNERS)`,
      });
    else reviewers.push(r);
  }
  return { reviewers, problems };
}

/** The file ssh-keygen is given: one canonical line a signer, comments dropped. */
export const allowedSignersText = (reviewers: readonly Reviewer[]) =>
  reviewers.map((r) => `${r.principals}${r.options ? ` ${r.options}` : ''} ${r.key}\n`).join('');
