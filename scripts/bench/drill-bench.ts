/**
 * Row restore-drill:local: a 1 GB stand-in shard restored and verified by the local executor, as
 * `citycloud runbook restore-drill --executor local` measures its recovery time (the restore begun
 * — the newest full backup copied, its WAL replayed to the drill's restore point — to the copy
 * checked by pg_amcheck and its figures read), against what any restore takes alone:
 * `pg_basebackup` of the same source and the copy started (`pg_ctl -w start`), each the median of
 * three (one drill moves by a second with the page cache). Target: ratio ≤ 1.5.
 * The whole command's time is in the note. The source is made once (its data, archiving, a full
 * backup) and is not timed.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ClusterOwner, clusterOwner, ownFolder, runPostgresTool } from '../../exec/postgres-server.ts';
import { ensureSource, SOCKET_PORT, shardFolders, stopCluster } from '../../runbooks/drill/local-site.ts';
import { fromRoot } from '../../synth/project-root.ts';
import type { Bench, BenchRow } from './harness.ts';

const SIZE_MB = 1024;
/** Drills and peers timed: the medians are the row's. */
const RUNS = 3;
const SHARD = 'wa-s01';

/** The small city with its warehouse a PostgreSQL one. */
function inventory(dir: string): string {
  const file = join(dir, 'city.yaml');
  const city = readFileSync(fromRoot('test/fixtures/small-city.yaml'), 'utf8');
  writeFileSync(file, city.replace('engine: clickhouse', 'engine: postgresql'));
  return file;
}

const seconds = async (go: () => Promise<unknown> | unknown) => {
  const t = performance.now();
  await go();
  return performance.now() - t;
};

/** pg_basebackup of the source into a fresh folder, and that copy started and stopped. */
async function basebackupAndStart(owner: ClusterOwner, site: string): Promise<number> {
  const f = shardFolders(site, SHARD);
  const copy = join(f.root, 'peer-copy');
  const run = join(f.root, 'peer-run');
  rmSync(copy, { recursive: true, force: true });
  mkdirSync(run, { recursive: true, mode: 0o700 });
  ownFolder(owner, run);
  const ms = await seconds(async () => {
    const b = await runPostgresTool(owner, 'pg_basebackup', [
      '-h',
      f.sourceRun,
      '-p',
      String(SOCKET_PORT),
      '-U',
      'postgres',
      '-D',
      copy,
      '-X',
      'stream',
      '--checkpoint=fast',
    ]);
    if (b.code !== 0) throw new Error(`pg_basebackup: ${b.stderr}`);
    const s = await runPostgresTool(owner, 'pg_ctl', [
      '-D',
      copy,
      '-l',
      join(run, 'log'),
      '-w',
      '-o',
      `-c listen_addresses='' -c unix_socket_directories='${run}' -c archive_mode=off`,
      'start',
    ]);
    if (s.code !== 0) throw new Error(`pg_ctl start: ${s.stderr}`);
  });
  await stopCluster(owner, copy, 'immediate');
  rmSync(copy, { recursive: true, force: true });
  rmSync(run, { recursive: true, force: true });
  return ms;
}

export function drillBench(workDir: string): Bench {
  return {
    name: 'restore-drill',
    run: async (log) => {
      const owner = clusterOwner();
      if ('problem' in owner) {
        log(`restore-drill:local: skipped, ${owner.problem}`);
        return [];
      }
      const dir = join(workDir, 'restore-drill');
      mkdirSync(dir, { recursive: true, mode: 0o755 });
      const site = join(dir, 'site');
      const city = inventory(dir);
      log(`restore-drill:local: a ${SIZE_MB} MB stand-in shard (made once, not timed)…`);
      await ensureSource(owner, shardFolders(site, SHARD), {
        sizeMb: SIZE_MB,
        rpoSeconds: 300,
        fullBackupsKept: 2,
      });
      try {
        log(`restore-drill:local: ${RUNS} drills, each then pg_basebackup and start alone…`);
        const drills: { whole: number; ours: number; peer: number }[] = [];
        for (let i = 0; i < RUNS; i++) {
          const reports = join(dir, `reports-${i}`);
          const whole = await seconds(() =>
            execFileSync(
              process.execPath,
              [
                fromRoot('bin/citycloud.mjs'),
                'runbook',
                'restore-drill',
                '--executor',
                'local',
                '--warehouse',
                'wa',
                '--inventory',
                city,
                '--site',
                site,
                '--runs-dir',
                join(dir, 'runs'),
                '--report-dir',
                reports,
              ],
              { stdio: 'ignore' },
            ),
          );
          // the drill's own recovery time: its restore begun to the copy checked
          const file = readdirSync(reports).find((f) => f.endsWith('.json')) as string;
          const report = JSON.parse(readFileSync(join(reports, file), 'utf8')) as {
            shards: { recoveryTime: { measuredSeconds: number | null } }[];
          };
          rmSync(reports, { recursive: true, force: true });
          const ours = (report.shards[0]?.recoveryTime.measuredSeconds ?? Number.NaN) * 1000;
          drills.push({ whole, ours, peer: await basebackupAndStart(owner, site) });
        }
        const median = (k: 'whole' | 'ours' | 'peer') =>
          drills.map((d) => d[k]).sort((x, y) => x - y)[Math.floor(RUNS / 2)] as number;
        const [ours, peer, whole] = [median('ours'), median('peer'), median('whole')];
        const row: BenchRow = {
          name: 'restore-drill:local',
          unit: 'ms',
          value: Math.round(ours),
          peer: 'pg_basebackup + start of the same 1 GB',
          peerValue: Math.round(peer),
          ratio: ours / peer,
          target: 'ratio ≤ 1.5',
          met: ours / peer <= 1.5,
          note: `restored (the newest full backup copied, its WAL replayed to the drill's restore point), pg_amcheck and the figures; the whole command ${(whole / 1000).toFixed(1)} s; medians of ${RUNS}`,
        };
        return [row];
      } finally {
        await stopCluster(owner, shardFolders(site, SHARD).source, 'fast').catch(() => {});
      }
    },
  };
}
