/**
 * What gopaytech/wal-g-prometheus-exporter serves beside a PostgreSQL (Spilo) shard, by its names
 * at v0.3.1 (51e21af, September 2025; exporter.py): the newest full backup's start and the last
 * archived WAL (`walg_last_upload{type="basebackup"|"xlog"|"wal"}`, unix seconds; 0 for a backup
 * when there is none), the full backups kept (`walg_basebackup_count`), the oldest one's start
 * (`walg_oldest_basebackup`, 0 when none) and the WAL segments PostgreSQL has made ready that are
 * not uploaded yet (`walg_missing_remote_wal_segment_at_end`: `.ready` files in
 * pg_wal/archive_status). The exporter listens on 9351 and has no labels of its own: the scrape
 * target gives warehouse, shard and pod. `xlog` is pg_stat_archiver's last_archived_time, read at
 * each scrape; `wal` is the same time, read once a WAL-G loop (a minute).
 */
import { Gauge, type Registry } from 'prom-client';

export const WALG_LAST_UPLOAD = 'walg_last_upload';
export const WALG_BASEBACKUP_COUNT = 'walg_basebackup_count';
export const WALG_OLDEST_BASEBACKUP = 'walg_oldest_basebackup';
export const WALG_WAL_READY = 'walg_missing_remote_wal_segment_at_end';
/** The exporter's port (exporter.py `http_port`), named `walg-metrics` on the shard's pods. */
export const WALG_EXPORTER_PORT = 9351;

/** One shard's WAL-G state, as the exporter reads it from WAL-G and PostgreSQL. */
export interface WalgReading {
  /** The newest full backup's start, unix seconds (0: none). */
  readonly lastBasebackup: number;
  /** The last WAL segment archived, unix seconds. */
  readonly lastWal: number;
  readonly basebackups: number;
  /** The oldest full backup's start, unix seconds (0: none). */
  readonly oldestBasebackup: number;
  /** Segments ready for upload and not uploaded. */
  readonly walReady: number;
}

/** Registers the exporter's families, each set from `read` at every scrape. */
export function createWalg(registry: Registry, read: () => WalgReading) {
  let reading: WalgReading | null = null;
  // prom-client collects in registration order: the first family reads, the others reuse it
  const now = (first: boolean) => {
    if (first || reading === null) reading = read();
    return reading;
  };
  new Gauge({
    name: WALG_LAST_UPLOAD,
    help: 'Last upload of incremental or full backup',
    labelNames: ['type'],
    registers: [registry],
    collect() {
      const r = now(true);
      this.set({ type: 'basebackup' }, r.lastBasebackup);
      this.set({ type: 'xlog' }, r.lastWal);
      this.set({ type: 'wal' }, r.lastWal);
    },
  });
  const family = (name: string, help: string, value: (r: WalgReading) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(value(now(false)));
      },
    });
  family(WALG_BASEBACKUP_COUNT, 'Remote Basebackups count', (r) => r.basebackups);
  family(WALG_OLDEST_BASEBACKUP, 'Oldest full backup', (r) => r.oldestBasebackup);
  family(WALG_WAL_READY, 'Xlog ready for upload', (r) => r.walReady);
}
