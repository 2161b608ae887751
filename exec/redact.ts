/**
 * Credentials out of every line that quotes a tool's output. Terraform prints a PG_CONN_STR it
 * cannot parse whole, password and all; the AWS CDK can echo keys. What looks like a credential
 * is masked — the password of a URL (`user:***@`), `password=`/`secret=`/`token=` values, AWS key
 * ids — and so is the literal value of every credential the environment holds.
 */

/** Environment variables whose values are secrets wherever they appear. */
export const SECRET_ENV = [
  'PG_CONN_STR',
  'PGPASSWORD',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_ACCESS_KEY_ID',
] as const;

const MASK = '***';

const PATTERNS: readonly [RegExp, string][] = [
  // scheme://user:password@host
  [/\b([a-z][a-z0-9+.-]*:\/\/[^/\s:@]*):[^@\s/]*@/gi, `$1:${MASK}@`],
  // password=…, secret: …, token=…, aws_secret_access_key = … (quoted or bare)
  [
    /\b((?:aws_)?(?:(?:pg)?password|passwd|pwd|secret[_-]?access[_-]?key|secret|session[_-]?token|token|api[_-]?key|access[_-]?key))(\s*[=:]\s*)('[^']*'|"[^"]*"|[^\s'"&;,]+)/gi,
    `$1$2${MASK}`,
  ],
  // AWS access key ids
  [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, `$1${MASK}`],
];

/** The text with every credential masked; `env` is where the secret values are looked up. */
export function redact(text: string, env: NodeJS.ProcessEnv = process.env): string {
  let out = text;
  // whole values first: a connection string in a form no pattern knows is still hidden
  for (const name of SECRET_ENV) {
    const value = env[name];
    if (value && value.length >= 4) out = out.split(value).join(`<${name}>`);
  }
  for (const [pattern, mask] of PATTERNS) out = out.replace(pattern, mask);
  return out;
}
