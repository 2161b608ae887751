/**
 * The kubectl drill of a ClickHouse shard (runbooks/drill/clickhouse-drill.ts): every command line
 * checked by the real kubectl 1.34 (no API server can run here: each fails only for want of one),
 * the scratch namespace read by kubectl itself offline, its server's configuration read by an XML
 * parser, the restore Job's script run by bash against a recording clickhouse-client (its
 * branches: waiting, restored, failed, and the URL quoted into the statement), and the readings'
 * parsing and comparison on the rows ClickHouse prints (JSONEachRow, 64-bit counts quoted).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CityModel, loadCity } from '../../model/index.ts';
import {
  backupNameProblem,
  backupsListed,
  backupsSql,
  backupTimestampSql,
  CLICKHOUSE_READINGS,
  ClickHouseKubectlDrill,
  checkTableSql,
  failedParts,
  jsonRows,
  partitionFigures,
  partitionsSql,
  RESTORE_SCRIPT,
  scratchConfig,
  sqlName,
  sqlString,
} from '../../runbooks/drill/clickhouse-drill.ts';
import type { DrillShard } from '../../runbooks/drill/drill-executor.ts';
import { type DrillPlan, type DrillRecords, drillTargets } from '../../runbooks/drill/drill-plan.ts';
import { judge } from '../../runbooks/drill/drill-result.ts';
import { KubectlDrillExecutor } from '../../runbooks/drill/kubectl-drill.ts';
import { agentSecretArgv, sourcePodArgv } from '../../runbooks/drill/scratch-store.ts';
import { figuresDiffer } from '../../runbooks/drill/table-figures.ts';
import { BUILTIN_CITY, runCli, tempDir } from '../helpers/city.ts';
import { expectOnlyServerMissing, kindsReadOffline } from '../helpers/kubectl-checks.ts';
import { realKubectl, unreachableKubeconfig } from '../helpers/tools.ts';

const bin = realKubectl();
const model = loadCity(BUILTIN_CITY).model as CityModel;
const x = new KubectlDrillExecutor(model, {
  kubectl: bin,
  kubectlArgs: ['--server', 'https://127.0.0.1:1', '--token', 'x', '--request-timeout=5s'],
  stateRoot: tempDir(),
});
const ch = new ClickHouseKubectlDrill(model, x);
const shard: DrillShard = {
  warehouse: 'health',
  shard: 'health-s03',
  engine: 'clickhouse',
  namespace: 'warehouse-health',
  drill: '20261205T160000Z',
};
const IMAGE = 'clickhouse/clickhouse-server:24.8.14.39';
const BACKUP = 'incremental-20261205T160500Z';

type Item = {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: unknown;
  data?: Record<string, string>;
};
const manifests = () =>
  ch.scratchManifests(shard, BACKUP, IMAGE, {
    'access-key-id': 'QUtJQUVYQU1QTEU=',
    'secret-access-key': 'c2VjcmV0',
    password: 'cGFzc3dvcmQ=',
  }) as { items: Item[] };

describe('the kubectl drill of a ClickHouse shard: its command lines', () => {
  it.each(CLICKHOUSE_READINGS)('reading %s: kubectl takes every flag, and only the server is missing', (q) =>
    expectOnlyServerMissing(ch.readingArgv(q, shard)),
  );

  it('reading a source pod and the backup agent’s certificate: only the server is missing', () => {
    const health = model.warehouses.find((w) => w.id === 'health');
    if (!health) throw new Error('no health warehouse');
    expectOnlyServerMissing(sourcePodArgv(x, health, 'health-s03-1'));
    expectOnlyServerMissing(agentSecretArgv(x, health));
  });

  it('a query in a source replica takes its password and SQL on stdin, none in the argv: only the server is missing', () => {
    const argv = ch.sourceArgv(shard, 'health-s03-0');
    expect(argv).toContain('-i');
    expect(argv.slice(argv.indexOf('--'))).toEqual([
      '--',
      'bash',
      '-c',
      'IFS= read -r CLICKHOUSE_PASSWORD; export CLICKHOUSE_PASSWORD CLICKHOUSE_USER=backup; exec clickhouse-client',
    ]);
    expectOnlyServerMissing(argv, 'secret-password\nSELECT 1');
  });

  it('a query in the scratch server, and the apply of the scratch namespace: only the server is missing', () => {
    expectOnlyServerMissing(ch.scratchArgv(shard, checkTableSql('db', 'events')));
    expectOnlyServerMissing(x.actionArgv('apply', shard), JSON.stringify(manifests()));
  });

  it('a drill of an unreachable cluster fails its reading in a line naming kubectl’s word, not a stack', async () => {
    const err = (await x.recoveryPoint(shard).catch((e: Error) => e)) as Error;
    expect(err.message).toMatch(/kubectl .*get secret health-backup-credentials .*failed: .*refused/);
    expect(err.message.split('\n')).toHaveLength(1);
  });
});

describe('the scratch namespace of a ClickHouse shard', () => {
  it('is read by kubectl offline; nothing in from outside, out only the backup store and DNS; the keys by reference', () => {
    const m = manifests();
    expect(kindsReadOffline(bin, m)).toEqual([
      'Namespace',
      'Role',
      'RoleBinding',
      'NetworkPolicy',
      'Secret',
      'ConfigMap',
      'Service',
      'StatefulSet',
      'Job',
    ]);
    const ns = 'warehouse-health-drill-s03';
    expect(m.items.filter((i) => i.kind !== 'Namespace').every((i) => i.metadata.namespace === ns)).toBe(
      true,
    );
    const policy = m.items.find((i) => i.kind === 'NetworkPolicy')?.spec as {
      podSelector: object;
      policyTypes: string[];
      ingress: { from: unknown[]; ports: { port: number }[] }[];
      egress: { to?: { ipBlock?: { cidr: string }; podSelector?: object }[]; ports: { port: number }[] }[];
    };
    expect(policy).toMatchObject({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    // in: only pods of the namespace itself, to the server's native port
    expect(policy.ingress).toEqual([
      { from: [{ podSelector: {} }], ports: [{ port: 9000, protocol: 'TCP' }] },
    ]);
    expect(policy.egress[0]?.to?.[0]?.ipBlock?.cidr).toBe(model.secondSite?.cidr);
    expect(policy.egress[1]?.to).toEqual([{ podSelector: {} }]);
    // DNS only to the cluster's own: port 53 anywhere would be a way out of the country
    expect(policy.egress[2]?.to).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } },
    ]);
    expect(policy.egress.flatMap((e) => e.ports.map((p) => p.port)).sort()).toEqual([443, 53, 53, 9000]);

    const job = m.items.find((i) => i.kind === 'Job')?.spec as {
      backoffLimit: number;
      activeDeadlineSeconds: number;
      template: { spec: { containers: { image: string; env: { name: string; value?: string }[] }[] } };
    };
    expect(job.backoffLimit).toBe(0);
    const health = model.warehouses.find((w) => w.id === 'health');
    expect(job.activeDeadlineSeconds).toBe((health?.backup.rtoMinutes ?? 0) * 240);
    const env = Object.fromEntries(job.template.spec.containers[0]?.env.map((e) => [e.name, e.value]) ?? []);
    expect(env).toMatchObject({
      BACKUP_URL: `${model.secondSite?.endpoint}/citycloud-backup-health/clickhouse/health-s03`,
      BACKUP_NAME: BACKUP,
      CLICKHOUSE_USER: 'drill',
    });
    const server = m.items.find((i) => i.kind === 'StatefulSet')?.spec as {
      template: {
        spec: {
          containers: { image: string; env: { name: string; value?: string; valueFrom?: object }[] }[];
        };
      };
    };
    const c = server.template.spec.containers[0];
    expect(c?.image).toBe(IMAGE);
    // the store's keys and the drill's password only by reference: no value in any container's env
    for (const e of [...(c?.env ?? []), ...(job.template.spec.containers[0]?.env ?? [])])
      if (/KEY|PASSWORD/.test(e.name)) expect(e.value).toBeUndefined();
    expect(JSON.stringify(server)).not.toContain('c2VjcmV0');
  });

  it('runs a Keeper of its own (never the source’s quorum), the shard’s macros, and no merge that would change the counts', () => {
    const xml = scratchConfig({ id: 'health' }, 'health-s03');
    const file = join(tempDir(), 'drill.xml');
    writeFileSync(file, xml);
    const r = spawnSync(
      'python3',
      [
        '-c',
        `import sys, xml.etree.ElementTree as E
t = E.parse(sys.argv[1]).getroot()
print(t.findtext('zookeeper/node/host'), t.findtext('keeper_server/raft_configuration/server/hostname'), t.findtext('macros/shard'), t.findtext('macros/replica'), t.findtext('merge_tree/max_bytes_to_merge_at_max_space_in_pool'), t.find('remote_servers/health/shard/replica/host').text)`,
        file,
      ],
      { encoding: 'utf8' },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('127.0.0.1 127.0.0.1 health-s03 drill 1 127.0.0.1');
    // an id XML cannot name an element by leaves the cluster out rather than break the file
    expect(scratchConfig({ id: '9city' }, '9city-s01')).not.toContain('remote_servers');
  });
});

describe('the restore Job’s script, run by bash against a recording clickhouse-client', () => {
  /** Runs the script with a clickhouse-client that answers `statuses` in turn, recording each query. */
  function runScript(statuses: string[], url: string) {
    const dir = tempDir();
    const log = join(dir, 'queries.log');
    const state = join(dir, 'n');
    writeFileSync(state, '0');
    const client = join(dir, 'clickhouse-client');
    writeFileSync(
      client,
      `#!/bin/bash
q="$4"; printf '%s\\n' "$q" >> ${JSON.stringify(log)}
case "$q" in
  'SELECT 1') exit 0 ;;
  RESTORE*) echo "citycloud-drill	RESTORING" ;;
  'SELECT status'*) n=$(cat ${JSON.stringify(state)}); echo $((n+1)) > ${JSON.stringify(state)}; s=(${statuses.join(' ')}); case "\${s[$n]:-RESTORING}" in UNANSWERED) echo "Code: 210. DB::NetException: Connection reset by peer (NETWORK_ERROR)" >&2; exit 210 ;; GONE) echo "" ;; *) echo "\${s[$n]:-RESTORING}" ;; esac ;;
  'SELECT error'*) echo "Code: 499. DB::Exception: The specified key does not exist. (S3_ERROR)" ;;
esac
`,
    );
    chmodSync(client, 0o755);
    // the script's waits are sleeps of seconds: a sleep that returns at once keeps the test short
    const sleep = join(dir, 'sleep');
    writeFileSync(sleep, '#!/bin/sh\nexit 0\n');
    chmodSync(sleep, 0o755);
    const r = spawnSync('bash', ['-c', RESTORE_SCRIPT], {
      encoding: 'utf8',
      env: {
        PATH: `${dir}:${dirname(process.execPath)}:/usr/bin:/bin`,
        BACKUP_URL: url,
        BACKUP_NAME: BACKUP,
      },
    });
    return { ...r, queries: readFileSync(log, 'utf8').trim().split('\n') };
  }

  it('restores once, by its id, with the URL quoted into the statement, and waits until RESTORED', () => {
    const r = runScript(['RESTORING', 'RESTORING', 'RESTORED'], "https://s3.dr/b'x\\y");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`restored ${BACKUP}`);
    const restores = r.queries.filter((q) => q.startsWith('RESTORE'));
    expect(restores).toEqual([
      `RESTORE ALL EXCEPT DATABASES system, information_schema, INFORMATION_SCHEMA FROM S3('https://s3.dr/b\\'x\\\\y/${BACKUP}') SETTINGS id = 'citycloud-drill' ASYNC`,
    ]);
    expect(r.queries.filter((q) => q.startsWith('SELECT status'))).toHaveLength(3);
  });

  it('asks again when a poll goes unanswered, and fails, saying so, when the server forgot the restore (it restarted)', () => {
    const again = runScript(['RESTORING', 'UNANSWERED', 'UNANSWERED', 'RESTORED'], 'https://s3.dr/b');
    expect(again.status).toBe(0);
    expect(again.queries.filter((q) => q.startsWith('RESTORE'))).toHaveLength(1);
    const gone = runScript(['RESTORING', 'GONE'], 'https://s3.dr/b');
    expect(gone.status).toBe(1);
    expect(gone.stderr).toMatch(/the scratch server no longer knows restore citycloud-drill \(it restarted/);
  });

  it('fails with ClickHouse’s error when the restore fails', () => {
    const r = runScript(['RESTORING', 'RESTORE_FAILED'], 'https://s3.dr/b');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/RESTORE RESTORE_FAILED: Code: 499\. .*S3_ERROR/);
    expect(r.queries.filter((q) => q.startsWith('RESTORE'))).toHaveLength(1);
  });
});

/** health-s03's drill judged on `records`. */
function judged(records: DrillRecords) {
  const plan: DrillPlan = {
    format: 'citycloud-drill-plan/v1',
    drill: '20261205T160000Z',
    to: null,
    shards: [{ warehouse: 'health', shard: 'health-s03' }],
  };
  const [t] = drillTargets(model, plan);
  if (!t) throw new Error('no target');
  return judge(t, plan, records);
}

describe('what the ClickHouse drill reads and compares', () => {
  it('lists the finished backups by their names, oldest first, ignoring what no job could have written', () => {
    const rows = jsonRows(
      [
        '{"_path":"citycloud-backup-health/clickhouse/health-s03/full-20261205T010000Z/.backup"}',
        '{"_path":"citycloud-backup-health/clickhouse/health-s03/incremental-20261205T160500Z/.backup"}',
        '{"_path":"citycloud-backup-health/clickhouse/health-s03/incremental-20261205T011000Z/.backup"}',
        '{"_path":"citycloud-backup-health/clickhouse/health-s03/evil\'; DROP/.backup"}',
        // no such day: not carried over into April
        '{"_path":"citycloud-backup-health/clickhouse/health-s03/full-20261399T000000Z/.backup"}',
        // dated after the reading: planted, or a clock gone wrong; never the newest to restore
        '{"_path":"citycloud-backup-health/clickhouse/health-s03/full-20991231T000000Z/.backup"}',
        '{"_path":"citycloud-backup-health/clickhouse/health-s03/full-20261205T010000Z/data/x.bin"}',
      ].join('\n'),
      'backups',
    );
    const now = Date.UTC(2026, 11, 5, 16, 10) / 1000;
    expect(
      backupsListed(rows, now).map((b) => `${b.kind} ${b.name} ${new Date(b.at * 1000).toISOString()}`),
    ).toEqual([
      'full full-20261205T010000Z 2026-12-05T01:00:00.000Z',
      'incremental incremental-20261205T011000Z 2026-12-05T01:10:00.000Z',
      'incremental incremental-20261205T160500Z 2026-12-05T16:05:00.000Z',
    ]);
    expect(backupsSql("https://s3.dr/b'x/clickhouse/s")).toBe(
      "SELECT _path FROM s3('https://s3.dr/b\\'x/clickhouse/s/*/.backup', 'One') FORMAT JSONEachRow",
    );
  });

  it('trusts a backup only as far as its own record agrees with its name (ClickHouse writes when it began into .backup)', () => {
    const at = Date.UTC(2026, 11, 5, 16, 5) / 1000;
    const rec = (began: string) => jsonRows(JSON.stringify({ began }), 'record');
    expect(backupTimestampSql('https://s3.dr/b', BACKUP)).toBe(
      `SELECT extract(raw_blob, '<timestamp>([^<]+)</timestamp>') AS began FROM s3('https://s3.dr/b/${BACKUP}/.backup', 'RawBLOB') FORMAT JSONEachRow`,
    );
    expect(backupNameProblem(BACKUP, at, rec('2026-12-05 16:05:02'))).toBeNull();
    // queued behind another backup for twenty minutes: still its own
    expect(backupNameProblem(BACKUP, at, rec('2026-12-05 16:25:00'))).toBeNull();
    // an old backup copied under a fresh name: restored, it would pass for a recovery point it never held
    expect(backupNameProblem(BACKUP, at, rec('2026-11-20 01:00:00'))).toBe(
      `backup ${BACKUP}'s own record says it began at 2026-11-20 01:00:00 UTC, not at its name's time: renamed, copied or put there by another hand`,
    );
    expect(backupNameProblem(BACKUP, at, rec(''))).toBe(
      `backup ${BACKUP} holds no start time ClickHouse wrote ("")`,
    );
    expect(backupNameProblem(BACKUP, at, [])).toMatch(/holds no start time/);
  });

  it('reads, per partition, the source’s rows older than the backup (all of them or not), and the copy’s every row', () => {
    expect(partitionsSql(1_796_490_300)).toContain(
      'sumIf(rows, modification_time < toDateTime(1796490300)) AS settled_rows, max(modification_time) < toDateTime(1796490300) AS all_settled',
    );
    expect(partitionsSql(1_796_490_300)).toContain('HAVING settled_rows > 0');
    expect(partitionsSql(null)).toContain('sum(rows) AS total_rows');
    expect(partitionsSql(null)).not.toMatch(/HAVING/);
    expect(partitionsSql(null)).toMatch(
      /database NOT IN \('system', 'information_schema', 'INFORMATION_SCHEMA'\)/,
    );
    const replica = (lines: string[]) => jsonRows(lines.join('\n'), 'p');
    // replica 0 (the backup's) is behind on 202611; 202612 was written to since the backup on both
    const figures = partitionFigures(
      replica([
        '{"database":"health","table":"visits","partition_id":"202611","settled_rows":"18446000","all_settled":1}',
        '{"database":"health","table":"visits","partition_id":"202612","settled_rows":"900","all_settled":0}',
      ]),
      replica([
        '{"database":"health","table":"visits","partition_id":"202611","settled_rows":"18446744","all_settled":1}',
        '{"database":"health","table":"visits","partition_id":"202612","settled_rows":"920","all_settled":0}',
      ]),
    );
    expect(figures).toEqual([
      {
        database: 'health',
        tables: [
          { table: 'visits partition 202611', rows: 18_446_744, sampled: 0, checksum: '' },
          { table: 'visits partition 202612', rows: 920, sampled: 0, checksum: '', atLeast: true },
        ],
      },
    ]);
  });

  it('compares the source’s partitions: exactly where every part predates the backup, at least its older rows elsewhere; the copy may hold more partitions', () => {
    const source = [
      {
        database: 'health',
        tables: [
          { table: 'visits partition 202611', rows: 10, sampled: 0, checksum: '' },
          { table: 'visits partition 202612', rows: 5, sampled: 0, checksum: '', atLeast: true },
        ],
      },
    ];
    const copy = (a: number, b: number) => [
      {
        database: 'health',
        tables: [
          { table: 'visits partition 202611', rows: a, sampled: 0, checksum: '' },
          { table: 'visits partition 202612', rows: b, sampled: 0, checksum: '' },
          { table: 'visits partition 202701', rows: 4, sampled: 0, checksum: '' },
        ],
      },
    ];
    expect(figuresDiffer(source, copy(10, 7), 'ignored')).toEqual([]);
    expect(figuresDiffer(source, copy(9, 5), 'ignored')).toEqual([
      'health: visits partition 202611 has 9 rows restored, 10 in the source',
    ]);
    expect(figuresDiffer(source, copy(10, 4), 'ignored')).toEqual([
      'health: visits partition 202612 has 4 rows restored, fewer than the 5 the source held before the backup began',
    ]);
    // a count that could not be read is never equal to another that could not
    expect(
      figuresDiffer(
        [{ database: 'h', tables: [{ table: 't', rows: -1, sampled: 0, checksum: '' }] }],
        [{ database: 'h', tables: [{ table: 't', rows: -1, sampled: 0, checksum: '' }] }],
        'ignored',
      ),
    ).toEqual(['h: t could not be counted in the restored copy']);
    expect(figuresDiffer(source, [], 'ignored')).toEqual([
      'database health is missing from the restored copy',
    ]);
    // PostgreSQL's comparison still counts a table the source lacks
    expect(figuresDiffer(source, copy(10, 5), 'compared')).toHaveLength(1);
  });

  it('names each part CHECK TABLE did not pass, and quotes the names it checks', () => {
    expect(checkTableSql('db`x', "t'\\")).toBe(
      "CHECK TABLE `db\\`x`.`t'\\\\` SETTINGS check_query_single_value_result = 0 FORMAT JSONEachRow",
    );
    expect(sqlString("a'b\\")).toBe("'a\\'b\\\\'");
    expect(sqlName('a`b')).toBe('`a\\`b`');
    const rows = jsonRows(
      '{"part_path":"202611_1_1_0","is_passed":1,"message":""}\n{"part_path":"202611_2_2_0","is_passed":0,"message":"Checksum mismatch in data.bin\\nmore"}',
      'check',
    );
    expect(failedParts('health', 'visits', rows)).toEqual([
      'health.visits part 202611_2_2_0: Checksum mismatch in data.bin',
    ]);
    expect(() => jsonRows('Code: 60. DB::Exception: Table does not exist', 'CHECK TABLE x')).toThrow(
      /CHECK TABLE x: ClickHouse answered "Code: 60\. DB::Exception: Table does not exist", not a JSON row/,
    );
  });

  it('judges a ClickHouse shard in its own words: the backup restored, CHECK TABLE, parts not backed up', () => {
    const result = judged({
      recoveryPoint: { at: 1000, archivedThrough: BACKUP, oldestUnarchivedCommit: 1000 - 3600 },
      mark: {
        restorePoint: BACKUP,
        lsn: '',
        at: 900,
        segment: '',
        archived: true,
        archiveProblem: null,
        databases: [],
      },
      restore: {
        startedAt: 1000,
        target: { kind: 'restore-point', name: BACKUP, at: 900 },
        base: `incremental backup ${BACKUP}`,
      },
      recovered: { at: 1100, problem: null },
      inspected: {
        corruption: ['health.visits part 202611_2_2_0: Checksum mismatch'],
        checkFailed: null,
        databases: [],
        differences: [],
        startedAt: 1100,
        at: 1110,
      },
    });
    expect(result.restoredTo).toBe(`backup ${BACKUP}`);
    expect(result.problems.join('\n')).toMatch(
      /the oldest part no backup holds was written 3600 s before the drill/,
    );
    expect(result.problems.join('\n')).toMatch(
      /CHECK TABLE found corruption in the restored copy: health\.visits part/,
    );
    expect(result.passed).toBe(false);
  });

  it('does not pass a drill that compared nothing: a source with no rows older than its backup, a copy with none', () => {
    const result = judged({
      recoveryPoint: { at: 1000, archivedThrough: BACKUP, oldestUnarchivedCommit: null },
      mark: {
        restorePoint: BACKUP,
        lsn: '',
        at: 900,
        segment: '',
        archived: true,
        archiveProblem: null,
        databases: [],
      },
      restore: { startedAt: 1000, target: { kind: 'restore-point', name: BACKUP, at: 900 } },
      recovered: { at: 1100, problem: null },
      inspected: {
        corruption: [],
        checkFailed: null,
        databases: [],
        differences: [],
        startedAt: 1100,
        at: 1110,
      },
    });
    expect(result.verification.compared).toBe(false);
    expect(result.problems).toEqual([
      'nothing of the source was compared with the restored copy: it held no rows written before the backup began',
    ]);
    expect(result.passed).toBe(false);
  });
});

describe('citycloud runbook restore-drill --executor kubectl on a ClickHouse warehouse', () => {
  it('says no cluster answers, exit 69, before anything is journaled', () => {
    const dir = tempDir();
    const r = runCli(
      [
        'runbook',
        'restore-drill',
        '--executor',
        'kubectl',
        '--warehouse',
        'health',
        '--runs-dir',
        join(dir, 'runs'),
        '--approved-by',
        'lan',
        '--site',
        join(dir, 'site'),
      ],
      undefined,
      { KUBECONFIG: unreachableKubeconfig(dir), PATH: `${dirname(bin)}:${process.env.PATH}` },
    );
    expect(r.stderr).toMatch(/no Kubernetes API server answers on kube context \(current\)/);
    expect(r.code).toBe(69);
  });
});
