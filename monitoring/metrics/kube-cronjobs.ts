/**
 * kube-state-metrics' CronJob and Job families the backup alerts read, by their names and labels
 * in v2.20 (docs/metrics/workload/cronjob-metrics.md, job-metrics.md): when each CronJob was made
 * and last succeeded (none: no series, as kube-state-metrics writes it), and each Job's start and
 * failed pods (with the failure's `reason`).
 */
import type { Registry } from 'prom-client';
import { KSM } from './kube-state.ts';
import { snapshotFamilies } from './snapshot-families.ts';

export type KubeCronJobs = readonly {
  readonly namespace: string;
  readonly cronjob: string;
  /** Unix seconds. */
  readonly created: number;
  /** Unix seconds; null: never succeeded. */
  readonly lastSuccess: number | null;
  readonly jobs: readonly { readonly job: string; readonly start: number; readonly failed: number }[];
}[];

/** Registers the families; each scrape reads the CronJobs once. */
export function createKubeCronJobs(registry: Registry, read: () => KubeCronJobs) {
  const family = snapshotFamilies(registry, read);
  const cron = ['namespace', 'cronjob'];
  family(KSM.cronJobCreated, 'Unix creation timestamp', cron, (g, s) => {
    for (const c of s) g.set({ namespace: c.namespace, cronjob: c.cronjob }, c.created);
  });
  family(
    KSM.cronJobLastSuccess,
    'LastSuccessfulTime keeps information of when was the last time the job was completed successfully.',
    cron,
    (g, s) => {
      for (const c of s)
        if (c.lastSuccess !== null) g.set({ namespace: c.namespace, cronjob: c.cronjob }, c.lastSuccess);
    },
  );
  family(
    KSM.jobStartTime,
    'StartTime represents time when the job was acknowledged by the Job Manager.',
    ['namespace', 'job_name'],
    (g, s) => {
      for (const c of s) for (const j of c.jobs) g.set({ namespace: c.namespace, job_name: j.job }, j.start);
    },
  );
  family(
    KSM.jobFailed,
    'The number of pods which reached Phase Failed and the reason for failure.',
    ['namespace', 'job_name', 'reason'],
    (g, s) => {
      for (const c of s)
        for (const j of c.jobs)
          g.set({ namespace: c.namespace, job_name: j.job, reason: 'BackoffLimitExceeded' }, j.failed);
    },
  );
}
