/**
 * The backup jobs' scripts run by bash against a stand-in clickhouse-client that logs each
 * statement and answers as a server would: which replica, which statement, which base, and the
 * exit code when a replica, a BACKUP or its status fails.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FULL_BACKUP_SCRIPT,
  INCREMENTAL_BACKUP_SCRIPT,
} from '../../../constructs/warehouse/clickhouse-backup.ts';
import { tempDir } from '../../helpers/city.ts';

/** Runs `script` with a clickhouse-client whose answers are given: replicas up, the newest full backup, BACKUP's fate. */
function run(script: string, o: { up: string; newest: string; backup: 'ok' | 'refused' | 'failed' }) {
  const dir = tempDir();
  const log = join(dir, 'log');
  writeFileSync(
    join(dir, 'clickhouse-client'),
    `#!/bin/bash
printf '%s\\t%s\\n' "$2" "$4" >> '${log}'
case "$4" in
  'SELECT 1') [ "$2" = '${o.up}' ] ;;
  *'FROM s3('*) printf '%s' '${o.newest}' ;;
  BACKUP*) ${o.backup === 'refused' ? "echo 'Code: 499. S3_ERROR' >&2; exit 1" : "printf 'b-1\\tCREATING_BACKUP\\n'"} ;;
  *'SELECT status'*) echo ${o.backup === 'failed' ? 'BACKUP_FAILED' : 'BACKUP_CREATED'} ;;
  *'SELECT error'*) echo 'Access Denied' ;;
esac
`,
  );
  chmodSync(join(dir, 'clickhouse-client'), 0o755);
  const r = spawnSync('bash', ['-c', script], {
    encoding: 'utf8',
    env: {
      PATH: `${dir}:${process.env.PATH}`,
      SHARD: 'health-s01',
      CLICKHOUSE_HOSTS: 'health-s01-0.health-s01 health-s01-1.health-s01',
      BACKUP_URL: 'https://s3.dr.hcmc.gov.vn/citycloud-backup-health/clickhouse/health-s01',
      S3_ENDPOINT: 'https://s3.dr.hcmc.gov.vn',
    },
  });
  let calls: string[][] = [];
  try {
    calls = readFileSync(log, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => l.split('\t'));
  } catch {}
  return { code: r.status, stderr: r.stderr, calls };
}

const URL = 'https://s3.dr.hcmc.gov.vn/citycloud-backup-health/clickhouse/health-s01';

describe('the ClickHouse backup scripts', () => {
  it('take a full backup on the first replica that answers, and wait for it', () => {
    const r = run(FULL_BACKUP_SCRIPT, { up: 'health-s01-1.health-s01', newest: '', backup: 'ok' });
    expect(r.code).toBe(0);
    const backup = r.calls.find(([, q]) => q?.startsWith('BACKUP'));
    expect(backup?.[0]).toBe('health-s01-1.health-s01');
    expect(backup?.[1]).toMatch(
      new RegExp(
        `^BACKUP ALL EXCEPT DATABASES system, information_schema, INFORMATION_SCHEMA TO S3\\('${URL}/full-\\d{8}T\\d{6}Z'\\) +ASYNC$`,
      ),
    );
    // its status asked of the replica that runs it
    expect(r.calls.at(-1)).toEqual([
      'health-s01-1.health-s01',
      "SELECT status FROM system.backups WHERE id = 'b-1'",
    ]);
  });

  it('base an incremental backup on the newest full one, or take a full one when there is none', () => {
    const newest = `${URL}/full-20261201T180000Z`;
    const r = run(INCREMENTAL_BACKUP_SCRIPT, { up: 'health-s01-0.health-s01', newest, backup: 'ok' });
    expect(r.code).toBe(0);
    expect(r.calls.find(([, q]) => q?.startsWith('BACKUP'))?.[1]).toMatch(
      new RegExp(
        `TO S3\\('${URL}/incremental-\\d{8}T\\d{6}Z'\\) SETTINGS base_backup = S3\\('${newest}'\\) ASYNC$`,
      ),
    );
    const first = run(INCREMENTAL_BACKUP_SCRIPT, { up: 'health-s01-0.health-s01', newest: '', backup: 'ok' });
    expect(first.calls.find(([, q]) => q?.startsWith('BACKUP'))?.[1]).toMatch(
      /TO S3\('[^']+\/full-\d{8}T\d{6}Z'\) +ASYNC$/,
    );
  });

  it('fail (exit 1) when no replica answers, the server refuses the BACKUP, or the backup fails', () => {
    const none = run(FULL_BACKUP_SCRIPT, { up: 'elsewhere', newest: '', backup: 'ok' });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no replica of health-s01 answers');
    const refused = run(FULL_BACKUP_SCRIPT, { up: 'health-s01-0.health-s01', newest: '', backup: 'refused' });
    expect(refused.code).toBe(1);
    expect(refused.calls.some(([, q]) => q?.startsWith('SELECT status'))).toBe(false);
    const failed = run(FULL_BACKUP_SCRIPT, { up: 'health-s01-0.health-s01', newest: '', backup: 'failed' });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/full-\d{8}T\d{6}Z BACKUP_FAILED: Access Denied/);
  });
});
