import { describe, expect, it } from 'vitest';
import { redact } from '../../exec/redact.ts';

describe('redact', () => {
  it.each([
    [
      'a URL with a password',
      'Error: parse "postgres://citycloud:hunter2@db.hcmc.gov.vn:99x99/state": invalid port',
      'Error: parse "postgres://citycloud:***@db.hcmc.gov.vn:99x99/state": invalid port',
    ],
    [
      'a libpq key=value string',
      "host=db port=5432 user=tf password='hunter2 x' dbname=state",
      'host=db port=5432 user=tf password=*** dbname=state',
    ],
    ['a PGPASSWORD assignment', 'PGPASSWORD=hunter2 psql', 'PGPASSWORD=*** psql'],
    [
      'AWS keys',
      'aws_access_key_id = AKIAIOSFODNN7EXAMPLE aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'aws_access_key_id = AKIA*** aws_secret_access_key = ***',
    ],
    ['a token in a query', 'https://x/y?token=abc123&b=1', 'https://x/y?token=***&b=1'],
  ])('masks %s', (_, text, expected) => {
    expect(redact(text, {})).toBe(expected);
  });

  it('hides the whole value of a secret the environment holds, in whatever form it is quoted', () => {
    const env = { PG_CONN_STR: 'pg:/weird form with s3cr3t' };
    expect(redact('could not use "pg:/weird form with s3cr3t"', env)).toBe('could not use "<PG_CONN_STR>"');
  });

  it('leaves text without credentials as it is', () => {
    const text = 'Error: dial tcp 127.0.0.1:5432: connect: connection refused (see https://x.y/z#a)';
    expect(redact(text, {})).toBe(text);
  });
});
