/**
 * The built-in runbook rotate-certificates against the local stack: the fleet simulator serves
 * cert-manager's expiry series for the Certificates set up here, the real Prometheus scrapes
 * them, and the runbook renews what expires within the days it is given and rolls the workloads
 * mounting each one's Secret, wave by wave behind the gates — killed with `kill -9` right after a
 * renewal and resumed, each Certificate renewed once, as the simulator counted.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli, SMALL_CITY, tempDir } from '../helpers/city.ts';
import {
  fleetRecord,
  type LocalFleet,
  query,
  spawnCli,
  startFleet,
  untilTrue,
} from '../helpers/local-fleet.ts';
import { describeWith, LOCAL_STACK } from '../helpers/needs.ts';

const CERTIFICATES = [
  {
    namespace: 'tenant-t1',
    name: 'api-tls',
    secretName: 'api-tls',
    expiresInDays: 20,
    workloads: ['api', 'portal'],
  },
  {
    namespace: 'tenant-t1',
    name: 'portal-tls',
    secretName: 'portal-tls',
    expiresInDays: 10,
    workloads: ['portal'],
  },
  { namespace: 'tenant-t1', name: 'far-tls', secretName: 'far-tls', expiresInDays: 80, workloads: ['far'] },
  {
    namespace: 'warehouse-wa',
    name: 'wa-backup-agent',
    secretName: 'wa-backup-agent',
    expiresInDays: 5,
    workloads: ['wa-s01', 'wa-s02'],
    kind: 'StatefulSet',
  },
];

describeWith([LOCAL_STACK], 'runbook rotate-certificates, against the local stack', () => {
  let fleet: LocalFleet;
  beforeAll(async () => {
    fleet = await startFleet(SMALL_CITY);
    for (const c of CERTIFICATES) {
      const res = await fetch(`${fleet.simulator}/fleet/certificates`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          ...c,
          workloads: c.workloads.map((name) => ({ kind: c.kind ?? 'Deployment', name })),
        }),
      });
      expect(res.status, await res.text()).toBe(201);
    }
    // scraped as cert-manager's controller exports it, under the job the city's Prometheus has
    await untilTrue('the certificates scraped', 60, async () => {
      const r = await query(
        fleet.prometheus,
        'count(certmanager_certificate_expiration_timestamp_seconds{job="cert-manager"})',
      );
      return r[0]?.value[1] === String(CERTIFICATES.length);
    });
  }, 180_000);
  afterAll(() => fleet?.down());

  const args = (runs: string) => [
    '--inventory',
    SMALL_CITY,
    '--prometheus',
    fleet.prometheus,
    '--simulator',
    fleet.simulator,
    '--runs-dir',
    runs,
    '--gate-settle',
    '30',
  ];

  it('renews what expires within the days, once each across a kill -9, and rolls what mounts it', async () => {
    const runs = tempDir();
    // seen first: every command line, nothing renewed
    const dry = runCli(['runbook', 'run', 'rotate-certificates', ...args(runs), '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    for (const id of ['tenant-t1/api-tls', 'tenant-t1/portal-tls', 'warehouse-wa/wa-backup-agent'])
      expect(dry.stdout).toContain(`  ${id}\n`);
    expect(dry.stdout).not.toContain('far-tls');
    expect(dry.stdout).toContain(
      `renew: $ POST ${fleet.simulator}/fleet/certificates/tenant-t1/api-tls/renew`,
    );
    expect((await fleetRecord(fleet.simulator)) as unknown as { renewals: object }).toMatchObject({
      renewals: {},
    });

    // killed right after the second renewal, before journaling it
    const killed = spawnCli(
      ['runbook', 'run', 'rotate-certificates', ...args(runs), '--approved-by', 'lan'],
      {
        CITYCLOUD_CRASH_AFTER: 'renew:2',
      },
    );
    expect((await killed.exited).signal, killed.output()).toBe('SIGKILL');
    const run = (killed.output().match(/rotate-certificates-\d{8}-\d{6}-[0-9a-f]{4}/) as RegExpMatchArray)[0];
    const resumed = runCli(['runbook', 'resume', run, ...args(runs)]);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/renew: already \(renewed, valid until \d{4}-\d{2}-\d{2}\)/);

    const record = (await fleetRecord(fleet.simulator)) as unknown as {
      renewals: Record<string, number>;
      restarts: Record<string, number>;
    };
    expect(record.renewals).toEqual({
      'tenant-t1/api-tls': 1,
      'tenant-t1/portal-tls': 1,
      'warehouse-wa/wa-backup-agent': 1,
    });
    // the portal mounts two of them: restarted after each was issued, in its own wave
    expect(record.restarts).toEqual({
      'tenant-t1/Deployment/api': 1,
      'tenant-t1/Deployment/portal': 2,
      'warehouse-wa/StatefulSet/wa-s01': 1,
      'warehouse-wa/StatefulSet/wa-s02': 1,
    });
    // Prometheus sees them renewed: nothing left to rotate, and a run says so without journaling
    await untilTrue('the renewals scraped', 60, async () => {
      const r = await query(
        fleet.prometheus,
        'count(certmanager_certificate_expiration_timestamp_seconds - time() < 30 * 86400) or vector(0)',
      );
      return r[0]?.value[1] === '0';
    });
    const again = runCli([
      'runbook',
      'run',
      'rotate-certificates',
      ...args(tempDir()),
      '--approved-by',
      'lan',
    ]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('runbook rotate-certificates: nothing to do (its plan has no target)');

    // asked for more days than a certificate lasts (90): renewed, it still "expires within" them;
    // killed right after its renewal, the resume knows it by the notAfter journaled before it
    const longRuns = tempDir();
    const long = spawnCli(
      [
        'runbook',
        'run',
        'rotate-certificates',
        ...args(longRuns),
        '--param',
        'days=100',
        '--approved-by',
        'lan',
      ],
      { CITYCLOUD_CRASH_AFTER: 'renew:1' },
    );
    expect((await long.exited).signal, long.output()).toBe('SIGKILL');
    const longRun = (
      long.output().match(/rotate-certificates-\d{8}-\d{6}-[0-9a-f]{4}/) as RegExpMatchArray
    )[0];
    const finished = runCli(['runbook', 'resume', longRun, ...args(longRuns)]);
    expect(finished.code, finished.stdout + finished.stderr).toBe(0);
    expect(finished.stdout).toMatch(/renew: already \(renewed, valid until/);
    const after = (await fleetRecord(fleet.simulator)) as unknown as { renewals: Record<string, number> };
    // every certificate now, each once more: the far one too (80 days < 100)
    expect(after.renewals).toEqual({
      'tenant-t1/api-tls': 2,
      'tenant-t1/far-tls': 1,
      'tenant-t1/portal-tls': 2,
      'warehouse-wa/wa-backup-agent': 2,
    });
  }, 300_000);
});
