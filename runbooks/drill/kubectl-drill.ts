/**
 * The `kubectl` drill executor: the city. A PostgreSQL shard's drill reads and marks its source
 * in the shard's leader pod, then restores into a scratch namespace of its own
 * (`warehouse-<id>-drill-sNN`) that cannot serve traffic — a policy denies every way in, and
 * lets out only HTTPS to the backup store and DNS — where one Spilo pod clones the shard from its
 * WAL-G backups, as Spilo's clone settings say (read in zalando/spilo at 3.3-p3, the pinned
 * image's tag: ENVIRONMENT.rst and configure_spilo.py — CLONE_METHOD=CLONE_WITH_WALE, CLONE_SCOPE,
 * CLONE_WAL_S3_BUCKET, CLONE_AWS_ENDPOINT, CLONE_TARGET_TIME, and the CLONE_-prefixed credentials
 * and key, which `write_wale_environment` writes to /run/etc/wal-e.d/env-clone-<scope> for
 * `clone_with_wale.py` and its restore_command). The checks are the local drill's: the same SQL
 * (table-figures.ts), run by a Python program in the pods (Spilo ships python3 and psycopg2), and
 * pg_amcheck. Every command is an argv; the backup Secret's values pass from kubectl to kubectl
 * through this process's memory and are never printed or journaled.
 */
import { onPath } from '../../exec/on-path.ts';
import { runArgv } from '../../exec/run-argv.ts';
import { commandLine } from '../../exec/shell-quote.ts';
import { AGENT_METADATA_ENDPOINT, WALG_METADATA_ENDPOINT_SCRIPT } from '../../model/backup-agent.ts';
import {
  BACKUP_CREDENTIAL_KEYS,
  backupAgentSecret,
  backupCredentialsSecret,
} from '../../model/backup-target.ts';
import { type CityModel, warehouseNamespace, warehouseShardName } from '../../model/index.ts';
import { DEFAULT_WAREHOUSE_IMAGES } from '../../model/warehouse-images.ts';
import { AMCHECK_ARGS, amcheckFindings } from './amcheck.ts';
import { awaitArchived } from './archiving.ts';
import { CLICKHOUSE_CONTAINER, ClickHouseKubectlDrill } from './clickhouse-drill.ts';
import type {
  DrillAction,
  DrillExecutor,
  DrillShard,
  RecoveryPointReading,
  RestoredCopy,
  RestoreState,
  RestoreTarget,
  SourceMark,
} from './drill-executor.ts';
import {
  agentParts,
  DRILL_ID,
  DRILL_LIFETIME_SECONDS,
  DRILL_OF,
  drillStore,
  type OffsiteAgent,
  readOffsiteAgent,
  scratchFrame,
} from './scratch-store.ts';
import { DATABASES_SQL, type DatabaseFigures, TABLES_SQL, tableFiguresSql } from './table-figures.ts';
import {
  formatLsn,
  parseLsn,
  SEGMENT_BYTES,
  SEGMENT_NAME,
  segmentNumber,
  walCommits,
} from './wal-segments.ts';

/** A scratch namespace found: this drill's, another's under way, or one left (see scratchPlace). */
interface ScratchPlace {
  readonly kind: 'own' | 'busy' | 'left';
  readonly drill: string;
  readonly madeAt: number;
  readonly deleting: boolean;
}

/** A label key as a kubectl JSONPath names it (its dots escaped). */
const jsonpathKey = (key: string) => key.replace(/\./g, '\\.');

/** The pinned Spilo image the shards run (model/warehouse-images.ts): the clone runs the same. */
export const SPILO_IMAGE = DEFAULT_WAREHOUSE_IMAGES.postgresql;
/** The shards' container, and the scratch pod's. */
const CONTAINER = 'postgresql';
/** The scratch StatefulSet's name and its one pod. */
const SCRATCH = 'drill';
const SCRATCH_POD = `${SCRATCH}-0`;
/** Spilo's WAL-G environment folders (configure_spilo.py: RW_DIR /run, etc/wal-e.d/<dir>). */
/** Where Spilo's PostgreSQL keeps its log (PGROOT /home/postgres/pgdata/pgroot, PGDATA under it). */
const SPILO_PG_WAL = '/home/postgres/pgdata/pgroot/data/pg_wal';
const cloneEnv = (scope: string) => `/run/etc/wal-e.d/env-clone-${scope}`;
const CLONE_ENV_VOLUME = 'clone-env';

/**
 * The drill's figures, in a shard's pod: every database in a REPEATABLE READ snapshot, the last
 * one's taken by the statement writing the restore point (when one is asked), then each table's
 * figures (a table that cannot be read is said in its checksum), printed as JSON.
 */
export const FIGURES_PY = `import json, sys
try:
    import psycopg2 as pg
except ImportError:
    import psycopg as pg
a = json.loads(sys.argv[1])
def connect(db):
    return pg.connect(host='/run/postgresql', user='postgres', dbname=db)
first = connect('postgres'); cur = first.cursor(); cur.execute(a['databases'])
names = [r[0] for r in cur.fetchall()]; first.close()
conns = {}
for n in names:
    c = connect(n); cur = c.cursor(); cur.execute('BEGIN ISOLATION LEVEL REPEATABLE READ'); conns[n] = (c, cur)
out = {'databases': []}
for n in names[:-1]:
    conns[n][1].execute('SELECT 1')
if a.get('restorePoint'):
    cur = conns[names[-1]][1]
    cur.execute("SELECT lsn::text, pg_walfile_name(lsn), extract(epoch from now())::float8 FROM pg_create_restore_point(%s) AS lsn", (a['restorePoint'],))
    out['lsn'], out['segment'], out['at'] = cur.fetchone()
for n in names:
    c, cur = conns[n]; cur.execute(a['tables']); tables = [r[0] for r in cur.fetchall()]; figures = []
    for t in tables:
        cur.execute('SAVEPOINT figures')
        try:
            cur.execute(a['figures'].replace('{table}', t)); rows, sampled, checksum = cur.fetchone()
            figures.append({'table': t, 'rows': int(rows), 'sampled': int(sampled), 'checksum': checksum})
        except Exception as e:
            cur.execute('ROLLBACK TO SAVEPOINT figures')
            figures.append({'table': t, 'rows': -1, 'sampled': 0, 'checksum': 'unreadable: ' + str(e).splitlines()[0]})
    out['databases'].append({'database': n, 'tables': figures})
for c, cur in conns.values():
    cur.execute('COMMIT'); c.close()
print(json.dumps(out))
`;

export interface KubectlDrillOptions {
  readonly kubectl?: string;
  readonly context?: string;
  /** kubectl's global flags before the verb (--server, --token… in the tests). */
  readonly kubectlArgs?: readonly string[];
}

/** Every reading the drill makes through queryArgv (each checked against the real kubectl). */
export const DRILL_QUERIES = [
  'leader',
  'insert',
  'archiver',
  'switch',
  'recovery',
  'pod',
  'namespace',
  'secret',
  'logs',
] as const;
type Query = (typeof DRILL_QUERIES)[number];

export class KubectlDrillExecutor implements DrillExecutor {
  readonly name = 'kubectl';
  readonly fleet: string;
  readonly stateRoot: string;
  private readonly kubectl: string;
  /** A ClickHouse shard's drill (clickhouse-drill.ts); a PostgreSQL shard's is this class's own. */
  private readonly clickhouse: ClickHouseKubectlDrill;

  constructor(
    private readonly model: CityModel,
    private readonly options: KubectlDrillOptions & { readonly stateRoot: string },
  ) {
    this.kubectl = options.kubectl ?? 'kubectl';
    this.fleet = `kube context ${options.context ?? '(current)'}`;
    this.stateRoot = options.stateRoot;
    this.clickhouse = new ClickHouseKubectlDrill(model, this);
  }

  /** With kubectl installed; a one-line reason otherwise. */
  static fromPath(
    model: CityModel,
    options: KubectlDrillOptions & { readonly stateRoot: string },
  ): KubectlDrillExecutor | { problem: string } {
    const tool = options.kubectl ?? 'kubectl';
    if (!onPath(tool))
      return {
        problem: `${tool} is not installed; the kubectl drill executor needs it (https://kubernetes.io/docs/tasks/tools/)`,
      };
    return new KubectlDrillExecutor(model, options);
  }

  /** The argv asking the API server whether it is ready (`/readyz`). */
  readyArgv(): string[] {
    return [...this.base(), 'get', '--raw', '/readyz', '--request-timeout=15s'];
  }

  /** Null when the cluster's API server answers; else what kubectl said, in a line. */
  async unreachable(): Promise<string | null> {
    const r = await runArgv(this.readyArgv());
    return r.code === 0 ? null : (r.stderr.trim().split('\n').at(-1) ?? `exit ${r.code}`).slice(0, 300);
  }

  /** The scratch namespace of a shard's drill: `warehouse-<id>-drill-s03`. */
  scratchNamespace(s: DrillShard): string {
    return `${warehouseNamespace(s.warehouse)}-drill-${s.shard.slice(s.warehouse.length + 1)}`;
  }

  /** kubectl with the context and global flags. */
  base(): string[] {
    return [
      this.kubectl,
      ...(this.options.context ? ['--context', this.options.context] : []),
      ...(this.options.kubectlArgs ?? []),
    ];
  }

  /**
   * A command run in a pod's container: `kubectl exec [-i] -n NS POD -c CONTAINER -- …` (the
   * PostgreSQL container unless told; `stdin`: what is written to the command's input is read).
   */
  execArgv(
    namespace: string,
    pod: string,
    command: readonly string[],
    options: { readonly container?: string; readonly stdin?: boolean } = {},
  ): string[] {
    return [
      ...this.base(),
      'exec',
      ...(options.stdin ? ['-i'] : []),
      '-n',
      namespace,
      pod,
      '-c',
      options.container ?? CONTAINER,
      '--',
      ...command,
    ];
  }

  /** `psql` as the superuser over the pod's socket, one value per line. */
  private psql(sql: string): string[] {
    return [
      'psql',
      '-h',
      '/run/postgresql',
      '-U',
      'postgres',
      '-d',
      'postgres',
      '-AtX',
      '-F',
      '|',
      '-c',
      sql,
    ];
  }

  /** The argv of each reading the drill makes (each checked against the real kubectl). */
  queryArgv(q: Query, s: DrillShard, pod = '<pod>'): string[] {
    const ns = warehouseNamespace(s.warehouse);
    const scratch = this.scratchNamespace(s);
    switch (q) {
      case 'leader':
        return [
          ...this.base(),
          'get',
          'pods',
          '-n',
          ns,
          '-l',
          `cluster-name=${s.shard},spilo-role in (master,primary)`,
          '-o',
          'jsonpath={.items[0].metadata.name}',
        ];
      case 'insert':
        return this.execArgv(
          ns,
          pod,
          this.psql('SELECT pg_current_wal_insert_lsn(), timeline_id FROM pg_control_checkpoint()'),
        );
      case 'archiver':
        return this.execArgv(
          ns,
          pod,
          this.psql(
            "SELECT coalesce(last_archived_wal, ''), failed_count, coalesce(last_failed_wal, ''), coalesce(last_failed_time::text, '') FROM pg_stat_archiver",
          ),
        );
      case 'switch':
        return this.execArgv(ns, pod, this.psql('SELECT pg_switch_wal()'));
      case 'recovery':
        return this.execArgv(scratch, SCRATCH_POD, this.psql('SELECT pg_is_in_recovery()'));
      case 'pod':
        return [
          ...this.base(),
          'get',
          'pod',
          SCRATCH_POD,
          '-n',
          scratch,
          '--ignore-not-found',
          '-o',
          'jsonpath={.status.phase} {.status.containerStatuses[*].restartCount}',
        ];
      case 'namespace':
        return [
          ...this.base(),
          'get',
          'namespace',
          scratch,
          '--ignore-not-found',
          '-o',
          `jsonpath={.metadata.name}|{.metadata.labels.${jsonpathKey(DRILL_OF)}}|{.metadata.labels.${jsonpathKey(DRILL_ID)}}|{.metadata.creationTimestamp}|{.metadata.deletionTimestamp}`,
        ];
      case 'secret':
        return [
          ...this.base(),
          'get',
          'secret',
          backupCredentialsSecret(s.warehouse),
          '-n',
          ns,
          '-o',
          'json',
        ];
      case 'logs':
        return [
          ...this.base(),
          'logs',
          '-n',
          scratch,
          SCRATCH_POD,
          '-c',
          s.engine === 'clickhouse' ? CLICKHOUSE_CONTAINER : CONTAINER,
          '--tail=20',
        ];
    }
  }

  /** The argv of each action (each checked against the real kubectl). */
  actionArgv(action: 'apply' | 'delete', s: DrillShard): string[] {
    return action === 'apply'
      ? [...this.base(), 'apply', '--server-side', '--field-manager=citycloud-drill', '-f', '-']
      : [
          ...this.base(),
          'delete',
          'namespace',
          this.scratchNamespace(s),
          '--ignore-not-found',
          '--wait=true',
          '--timeout=900s',
        ];
  }

  /**
   * The argv reading, in the leader pod, the commits of the log it has and the archive has not:
   * from `from` (the archive's end; null: the oldest segment kept) to `to`, its insert position.
   */
  unarchivedArgv(s: DrillShard, pod: string, timeline: number, from: bigint | null, to: bigint): string[] {
    return this.execArgv(warehouseNamespace(s.warehouse), pod, [
      'pg_waldump',
      '--rmgr=Transaction',
      `--timeline=${Math.trunc(timeline)}`,
      '-p',
      SPILO_PG_WAL,
      ...(from === null ? [] : [`--start=${formatLsn(from)}`]),
      `--end=${formatLsn(to)}`,
    ]);
  }

  /** The argv that prints a pod's figures (FIGURES_PY), with a restore point written first if named. */
  figuresArgv(namespace: string, pod: string, restorePoint: string | null): string[] {
    return this.execArgv(namespace, pod, [
      'python3',
      '-c',
      FIGURES_PY,
      JSON.stringify({
        databases: DATABASES_SQL,
        tables: TABLES_SQL,
        figures: tableFiguresSql('{table}'),
        ...(restorePoint ? { restorePoint } : {}),
      }),
    ]);
  }

  describe(action: DrillAction, s: DrillShard, detail: string): string {
    switch (action) {
      case 'mark':
        return s.engine === 'clickhouse'
          ? `${commandLine(this.clickhouse.sourceArgv(s, '<replica>'))} (the newest finished backup, and the source's rows per partition written before it)`
          : `${commandLine(this.execArgv(warehouseNamespace(s.warehouse), '<leader>', ['python3', '-c', '<figures>']))} (restore point ${detail}), then pg_switch_wal()`;
      case 'restore':
        return `${commandLine(this.actionArgv('apply', s))} (namespace ${this.scratchNamespace(s)}: deny-all policy, ${s.engine === 'clickhouse' ? 'a ClickHouse server with its own Keeper, a Job running RESTORE … FROM S3 once' : 'Spilo clone with WAL-G'}, ${detail})`;
      case 'teardown':
        return commandLine(this.actionArgv('delete', s));
    }
  }

  /** Runs an argv; its stdout, or a one-line error naming the command and kubectl's last word. */
  async run(argv: readonly string[], input?: string): Promise<string> {
    const r = await runArgv(argv, input === undefined ? {} : { input });
    if (r.code !== 0) {
      const last = r.stderr.trim().split('\n').at(-1) || `exit ${r.code}`;
      // the command line only: a manifest on stdin may carry the Secret's values
      throw new Error(
        `${commandLine(argv.slice(0, 12))}${argv.length > 12 ? ' …' : ''} failed: ${last.slice(0, 300)}`,
      );
    }
    return r.stdout;
  }

  private async leader(s: DrillShard): Promise<string> {
    const pod = (await this.run(this.queryArgv('leader', s))).trim();
    if (!/^[a-z0-9][a-z0-9.-]{0,252}$/.test(pod))
      throw new Error(
        `shard ${s.shard} has no leader pod (cluster-name=${s.shard}, spilo-role master) in ${warehouseNamespace(s.warehouse)}`,
      );
    return pod;
  }

  async recoveryPoint(s: DrillShard): Promise<RecoveryPointReading> {
    if (s.engine === 'clickhouse') return this.clickhouse.recoveryPoint(s);
    const pod = await this.leader(s);
    const at = Date.now() / 1000;
    const [last = ''] = (await this.run(this.queryArgv('archiver', s, pod))).trim().split('|');
    const [insert = '', timeline = ''] = (await this.run(this.queryArgv('insert', s, pod))).trim().split('|');
    const end = parseLsn(insert);
    if (end === null || !/^\d{1,10}$/.test(timeline))
      throw new Error(
        `the leader of ${s.shard} answered ${JSON.stringify(`${insert}|${timeline}`).slice(0, 60)} for its WAL position`,
      );
    const archivedThrough = SEGMENT_NAME.test(last) ? last : null;
    const from = archivedThrough ? (segmentNumber(archivedThrough).segno + 1n) * SEGMENT_BYTES : null;
    if (from !== null && from >= end) return { at, archivedThrough, oldestUnarchivedCommit: null };
    const commits = walCommits(await this.run(this.unarchivedArgv(s, pod, Number(timeline), from, end)));
    return { at, archivedThrough, oldestUnarchivedCommit: commits[0]?.at ?? null };
  }

  async mark(s: DrillShard, name: string, waitSeconds: number): Promise<SourceMark> {
    if (s.engine === 'clickhouse') return this.clickhouse.mark(s);
    const pod = await this.leader(s);
    const ns = warehouseNamespace(s.warehouse);
    const out = JSON.parse(await this.run(this.figuresArgv(ns, pod, name))) as {
      lsn: string;
      at: number;
      segment: string;
      databases: DatabaseFigures[];
    };
    const [before] = (await this.run(this.queryArgv('archiver', s, pod))).trim().split('|').slice(1, 2);
    await this.run(this.queryArgv('switch', s, pod));
    const read = async () => {
      const [last = '', failed = '', lastFailed = '', failedAt = ''] = (
        await this.run(this.queryArgv('archiver', s, pod))
      )
        .trim()
        .split('|');
      return { last, failed, lastFailed, failedAt };
    };
    const verdict = await awaitArchived(read, out.segment, before ?? '', waitSeconds, 2000);
    return {
      restorePoint: name,
      lsn: out.lsn,
      at: out.at,
      segment: out.segment,
      databases: out.databases,
      ...verdict,
    };
  }

  /** The scratch namespace's objects, as one List for `kubectl apply -f -`. */
  scratchManifests(
    s: DrillShard,
    target: RestoreTarget,
    secretData: Readonly<Record<string, string>>,
    offsite?: OffsiteAgent,
  ): object {
    const w = this.model.warehouses.find((x) => x.id === s.warehouse);
    if (!w) throw new Error(`warehouse ${s.warehouse} is not in the inventory`);
    const store = drillStore(this.model, w);
    if (store.kind === 'offsite' && !offsite)
      throw new Error(`${s.shard}: an off-site warehouse's copy needs the shard's backup agent beside it`);
    const agent = store.kind === 'offsite' && offsite ? agentParts(offsite, w) : null;
    const ns = this.scratchNamespace(s);
    const { labels, meta, items } = scratchFrame(ns, s, store);
    const secret = backupCredentialsSecret(s.warehouse);
    const fromSecret = (name: string, key: string) => ({
      name,
      valueFrom: { secretKeyRef: { name: secret, key } },
    });
    // Spilo's clone stops by time: the restore point's own time, when the drill wrote one
    const targetTime =
      target.kind === 'time'
        ? target.at
        : target.kind === 'restore-point'
          ? new Date(target.at * 1000).toISOString()
          : '';
    return {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        // nothing reaches the copy; it reaches only the backup store (HTTPS) and DNS
        ...items,
        { apiVersion: 'v1', kind: 'Secret', metadata: meta(secret), type: 'Opaque', data: secretData },
        ...(offsite
          ? [
              {
                apiVersion: 'v1',
                kind: 'Secret',
                metadata: meta(backupAgentSecret(w.id)),
                type: 'kubernetes.io/tls',
                data: offsite.tls,
              },
            ]
          : []),
        { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(SCRATCH) },
        {
          // Patroni keeps its leader lock and state in the namespace's own ConfigMaps
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'Role',
          metadata: meta(SCRATCH),
          rules: [
            {
              apiGroups: [''],
              resources: ['configmaps', 'endpoints'],
              verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
            },
            { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'patch', 'update'] },
            { apiGroups: [''], resources: ['services'], verbs: ['create'] },
          ],
        },
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: meta(SCRATCH),
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: SCRATCH },
          subjects: [{ kind: 'ServiceAccount', name: SCRATCH, namespace: ns }],
        },
        {
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          metadata: meta(SCRATCH),
          spec: {
            serviceName: SCRATCH,
            replicas: 1,
            selector: { matchLabels: { 'cluster-name': `${s.shard}-drill` } },
            template: {
              metadata: { labels: { ...labels, 'cluster-name': `${s.shard}-drill` } },
              spec: {
                serviceAccountName: SCRATCH,
                containers: [
                  {
                    name: CONTAINER,
                    image: SPILO_IMAGE,
                    env: [
                      { name: 'SCOPE', value: `${s.shard}-drill` },
                      { name: 'PGROOT', value: '/home/postgres/pgdata/pgroot' },
                      { name: 'DCS_ENABLE_KUBERNETES_API', value: 'true' },
                      { name: 'KUBERNETES_USE_CONFIGMAPS', value: 'true' },
                      { name: 'KUBERNETES_SCOPE_LABEL', value: 'cluster-name' },
                      { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
                      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                      { name: 'CLONE_METHOD', value: 'CLONE_WITH_WALE' },
                      { name: 'CLONE_SCOPE', value: s.shard },
                      // the shards' WAL-G prefix carries their namespace (configure_spilo.py)
                      { name: 'CLONE_WAL_BUCKET_SCOPE_PREFIX', value: `${warehouseNamespace(s.warehouse)}-` },
                      { name: 'CLONE_WAL_S3_BUCKET', value: store.bucket },
                      { name: 'CLONE_USE_WALG_RESTORE', value: 'true' },
                      ...(targetTime ? [{ name: 'CLONE_TARGET_TIME', value: targetTime }] : []),
                      // as the shards archive there (constructs/warehouse/spilo-backup.ts): the
                      // second site by endpoint and keys, the off-site bucket by region and role
                      ...(store.kind === 'second-site'
                        ? [
                            { name: 'CLONE_AWS_ENDPOINT', value: store.endpoint },
                            fromSecret('CLONE_AWS_ACCESS_KEY_ID', BACKUP_CREDENTIAL_KEYS.accessKeyId),
                            fromSecret('CLONE_AWS_SECRET_ACCESS_KEY', BACKUP_CREDENTIAL_KEYS.secretAccessKey),
                          ]
                        : [
                            { name: 'CLONE_AWS_REGION', value: store.region },
                            { name: 'CLONE_WALG_DISABLE_S3_SSE', value: 'true' },
                          ]),
                      fromSecret('CLONE_WALG_LIBSODIUM_KEY', BACKUP_CREDENTIAL_KEYS.encryptionKey),
                      { name: 'CLONE_WALG_LIBSODIUM_KEY_TRANSFORM', value: 'base64' },
                    ],
                    resources: { requests: { cpu: '4', memory: '16Gi' }, limits: { memory: '16Gi' } },
                    volumeMounts: [
                      { name: 'data', mountPath: '/home/postgres/pgdata' },
                      ...(agent ? [{ name: CLONE_ENV_VOLUME, mountPath: cloneEnv(s.shard) }] : []),
                    ],
                  },
                  ...(agent ? [agent.container] : []),
                ],
                ...(agent && offsite
                  ? {
                      // Spilo writes no metadata endpoint into WAL-G's envdir (configure_spilo.py
                      // write_wale_environment's names): an emptyDir there, the endpoint written
                      // first, Spilo's files beside it (it makes the folder only when missing)
                      initContainers: [
                        {
                          name: 'walg-metadata-endpoint',
                          image: SPILO_IMAGE,
                          command: ['sh', '-c', WALG_METADATA_ENDPOINT_SCRIPT],
                          env: [
                            { name: 'ENDPOINT', value: AGENT_METADATA_ENDPOINT },
                            { name: 'WALE_ENV_DIR', value: cloneEnv(s.shard) },
                          ],
                          resources: { requests: { cpu: '50m', memory: '32Mi' }, limits: { memory: '32Mi' } },
                          volumeMounts: [{ name: CLONE_ENV_VOLUME, mountPath: cloneEnv(s.shard) }],
                        },
                      ],
                      volumes: [
                        { name: CLONE_ENV_VOLUME, emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
                        agent.volume,
                      ],
                    }
                  : {}),
              },
            },
            volumeClaimTemplates: [
              {
                metadata: { name: 'data' },
                spec: {
                  accessModes: ['ReadWriteOnce'],
                  storageClassName: w.storageClass,
                  resources: { requests: { storage: `${w.storagePerReplicaTiB}Ti` } },
                },
              },
            ],
          },
        },
      ],
    };
  }

  /**
   * The scratch namespace as the API server has it: none; this drill's (`own`); or another drill's
   * of this shard — under way (`busy`: younger than a drill may run, and not being deleted) or left
   * (`left`: older, or being deleted). A namespace of that name the drill did not make (no label of
   * this shard) is refused: the drill neither writes into it nor deletes it.
   */
  async scratchPlace(s: DrillShard): Promise<ScratchPlace | null> {
    const [name = '', of = '', drill = '', made = '', deleting = ''] = (
      await this.run(this.queryArgv('namespace', s))
    )
      .trim()
      .split('|');
    if (name === '') return null;
    if (of !== s.shard)
      throw new Error(
        `namespace ${this.scratchNamespace(s)} exists and is not the drill's scratch place of ${s.shard} (its ${DRILL_OF} is ${JSON.stringify(of.slice(0, 60))}): the drill neither writes into it nor deletes it`,
      );
    const madeAt = Date.parse(made) / 1000;
    // a place whose making time cannot be read is taken as old: never as this restore's copy
    const age = Number.isFinite(madeAt) ? Date.now() / 1000 - madeAt : Number.POSITIVE_INFINITY;
    const kind =
      deleting !== '' ? 'left' : drill === s.drill ? 'own' : age < DRILL_LIFETIME_SECONDS ? 'busy' : 'left';
    return {
      kind,
      drill: drill.slice(0, 40),
      madeAt: Number.isFinite(madeAt) ? madeAt : 0,
      deleting: deleting !== '',
    };
  }

  /** Deletes another drill's scratch place of this shard that was left; refuses one under way. */
  private async clearLeft(s: DrillShard, place: ScratchPlace | null): Promise<void> {
    if (place?.kind === 'busy')
      throw new Error(
        `drill ${place.drill} of ${s.shard} holds its scratch place ${this.scratchNamespace(s)} (made ${new Date(place.madeAt * 1000).toISOString()}): one drill of a shard at a time; this one restores nothing`,
      );
    if (place) await this.run(this.actionArgv('delete', s));
  }

  /**
   * The scratch places of the warehouse's other shards left by drills killed over a day ago (a
   * scheduled drill is never resumed, and the next one takes another shard): removed, so no copy
   * of the data, nor the backup agent's key, stays in the cluster for months.
   */
  private async sweepLeft(s: DrillShard): Promise<void> {
    const w = this.model.warehouses.find((x) => x.id === s.warehouse);
    for (let n = 1; n <= (w?.shards ?? 0); n += 1) {
      const other = { ...s, shard: warehouseShardName(s.warehouse, n) };
      if (other.shard === s.shard) continue;
      const place = await this.scratchPlace(other).catch(() => null);
      if (place?.kind === 'left') await this.run(this.actionArgv('delete', other));
    }
  }

  /** The scratch pod's trouble (failed, or restarted three times), with its log's last error; null when none. */
  private async scratchPodTrouble(s: DrillShard): Promise<{ phase: string; problem: string | null }> {
    const [phase = '', ...restarts] = (await this.run(this.queryArgv('pod', s))).trim().split(' ');
    const most = Math.max(0, ...restarts.map(Number).filter(Number.isFinite));
    if (phase !== 'Failed' && most < 3) return { phase, problem: null };
    const logs = await this.run(this.queryArgv('logs', s)).catch((e: Error) => e.message);
    const fatal =
      logs
        .split('\n')
        .filter((l) => /FATAL|ERROR|Exception/.test(l))
        .at(-1) ??
      logs.split('\n').at(-1) ??
      '';
    return {
      phase,
      problem: `the scratch pod ${phase === 'Failed' ? 'failed' : `restarted ${most} times`}: ${fatal.slice(0, 300)}`,
    };
  }

  async restore(s: DrillShard, target: RestoreTarget): Promise<{ base: string }> {
    // a scratch place already there is an earlier drill's, or this one's apply cut short before
    // its restore began: never this restore's copy. It is made again from nothing; another
    // drill's under way is refused
    await this.clearLeft(s, await this.scratchPlace(s));
    if (s.engine === 'clickhouse') return this.clickhouse.restore(s, target);
    const secret = JSON.parse(await this.run(this.queryArgv('secret', s))) as {
      data?: Record<string, string>;
    };
    const w = this.model.warehouses.find((x) => x.id === s.warehouse);
    const offsite =
      w && drillStore(this.model, w).kind === 'offsite'
        ? await readOffsiteAgent(this, this.model, w)
        : undefined;
    const manifests = this.scratchManifests(s, target, secret.data ?? {}, offsite);
    await this.run(this.actionArgv('apply', s), JSON.stringify(manifests));
    return { base: 'the newest WAL-G full backup before the target' };
  }

  async restoreState(s: DrillShard): Promise<RestoreState> {
    let place: ScratchPlace | null;
    try {
      place = await this.scratchPlace(s);
    } catch (err) {
      return { state: 'failed', problem: (err as Error).message };
    }
    if (place === null) return { state: 'absent' };
    // not this drill's copy: one left is made again by the restore; one under way is another's
    if (place.kind === 'left') return { state: 'partial' };
    if (place.kind === 'busy')
      return {
        state: 'failed',
        problem: `drill ${place.drill} of ${s.shard} holds its scratch place: one drill of a shard at a time`,
      };
    const { phase, problem } = await this.scratchPodTrouble(s);
    if (problem !== null) return { state: 'failed', problem };
    const state = await (s.engine === 'clickhouse'
      ? this.clickhouse.restoreState(s)
      : this.spiloState(phase, s));
    return state.state === 'ready' ? { ...state, madeAt: place.madeAt } : state;
  }

  /** Where a Spilo clone is: its pod's phase, then whether PostgreSQL has left recovery. */
  private async spiloState(phase: string, s: DrillShard): Promise<RestoreState> {
    if (phase === '') return { state: 'recovering', detail: 'the scratch pod is not created yet' };
    if (phase !== 'Running') return { state: 'recovering', detail: `the scratch pod is ${phase}` };
    const inRecovery = (await this.run(this.queryArgv('recovery', s)).catch(() => '')).trim();
    return inRecovery === 'f' ? { state: 'ready' } : { state: 'recovering', detail: 'replaying WAL' };
  }

  async missingWal(s: DrillShard): Promise<string[]> {
    // a ClickHouse backup has no log: what it lacks, its RESTORE says
    if (s.engine === 'clickhouse') return [];
    const text = await this.run(
      this.execArgv(this.scratchNamespace(s), SCRATCH_POD, [
        'envdir',
        cloneEnv(s.shard),
        'wal-g',
        'wal-show',
        '--detailed-json',
      ]),
    ).catch(() => '[]');
    const timelines = JSON.parse(text) as { missing_segments?: string[] }[];
    return timelines.flatMap((t) => t.missing_segments ?? []).filter((x) => SEGMENT_NAME.test(x));
  }

  async inspect(s: DrillShard): Promise<RestoredCopy> {
    if (s.engine === 'clickhouse') return this.clickhouse.inspect(s);
    const ns = this.scratchNamespace(s);
    const amcheck = await runArgv(
      this.execArgv(ns, SCRATCH_POD, [
        'pg_amcheck',
        '-h',
        '/run/postgresql',
        '-U',
        'postgres',
        ...AMCHECK_ARGS,
      ]),
    );
    const found = amcheckFindings(amcheck);
    const out = JSON.parse(await this.run(this.figuresArgv(ns, SCRATCH_POD, null))) as {
      databases: DatabaseFigures[];
    };
    return { corruption: found.corruption, checkFailed: found.failed, databases: out.databases };
  }

  async teardown(s: DrillShard): Promise<void> {
    const place = await this.scratchPlace(s);
    // this drill's place, or one left; another drill's under way is not this one's to remove
    if (place && place.kind !== 'busy') await this.run(this.actionArgv('delete', s));
    await this.sweepLeft(s);
  }

  async scratchLeft(s: DrillShard): Promise<boolean> {
    const place = await this.scratchPlace(s);
    return place !== null && place.kind !== 'busy';
  }
}
