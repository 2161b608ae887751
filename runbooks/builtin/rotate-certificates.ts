// runbooks/builtin/rotate-certificates.ts — built into citycloud, written only with the authoring
// API: copy it into your inventory's runbooks/ folder under a name of your own to change it.
import type { Runbook } from 'citycloud/runbook'; // types only: nothing is imported at run time

const DAY = 86_400;
const now = () => Date.now() / 1000;
const date = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);

/** A Certificate to rotate: its namespace and name (cert-manager's metric labels). */
type Expiring = { readonly id: string; readonly namespace: string; readonly name: string };

export default {
  name: 'rotate-certificates',
  description:
    "renews the certificates that expire within N days, as Prometheus sees them (cert-manager's), and rolls the pods that mount them, wave by wave behind the gates",
  params: {
    days: { description: 'renew what expires within this many days', type: 'number', default: 30 },
    perWave: { description: 'certificates rolled at once after the first', type: 'number', default: 5 },
  },
  // restarting pods is a change to what serves: inside the maintenance window
  window: 'maintenance',
  gates: ['critical-alerts', 'error-budget-burn'],
  // what expires within the days, from cert-manager's own metric: the Roles Anywhere backup
  // agents' certificates and the services' TLS alike; one first, alone, then perWave at once
  plan: async ({ params, query }) => {
    const days = Number(params.days);
    const perWave = Number(params.perWave);
    if (!(Number.isInteger(days) && days >= 1 && days <= 365))
      throw new Error('days must be a whole number from 1 to 365');
    if (!(Number.isInteger(perWave) && perWave >= 1 && perWave <= 100))
      throw new Error('perWave must be a whole number from 1 to 100');
    // no series at all is not "nothing expires": cert-manager unscraped, or not federated
    const seen = await query(
      'count(certmanager_certificate_expiration_timestamp_seconds{job="cert-manager"})',
    );
    if (!(Number(seen[0]?.value) > 0))
      throw new Error(
        'Prometheus has no certmanager_certificate_expiration_timestamp_seconds of job cert-manager: is cert-manager scraped (and federated, with shards)?',
      );
    // cert-manager's own job only (another target could export the name), one row per Certificate
    const rows = await query(
      `max by (namespace, name) (certmanager_certificate_expiration_timestamp_seconds{job="cert-manager"}) - time() < ${days * DAY}`,
    );
    const expiring: Expiring[] = rows
      .filter((r) => r.labels.namespace && r.labels.name)
      .map((r) => ({
        id: `${r.labels.namespace}/${r.labels.name}`,
        namespace: r.labels.namespace as string,
        name: r.labels.name as string,
      }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const [first, ...rest] = expiring;
    if (!first) return [];
    const waves: Expiring[][] = [[first]];
    for (let i = 0; i < rest.length; i += perWave) waves.push(rest.slice(i, i + perWave));
    return waves;
  },
  steps: [
    {
      name: 'renew',
      // the notAfter before the renewal, journaled: a resume knows a renewal by a later one,
      // whatever the certificate's lifetime
      remember: async (t, { cluster }) =>
        String((await cluster.certificate(t.namespace as string, t.name as string))?.notAfter ?? 0),
      done: async (t, { cluster, params, memo }) => {
        const c = await cluster.certificate(t.namespace as string, t.name as string);
        if (!c) throw new Error(`no Certificate ${t.id}`);
        if (memo !== undefined)
          return c.notAfter > Number(memo) && `renewed, valid until ${date(c.notAfter)}`;
        return c.notAfter - now() > Number(params.days) * DAY && `valid until ${date(c.notAfter)}`;
      },
      run: async (t, { cluster, until, memo }) => {
        const ns = t.namespace as string;
        const name = t.name as string;
        await cluster.renewCertificate(ns, name);
        // cert-manager issues it: its new certificate ends later than the one it had
        await until(
          `${t.id} is issued again`,
          async () => ((await cluster.certificate(ns, name))?.notAfter ?? 0) > Number(memo ?? 0),
          300,
        );
      },
      retries: 1,
    },
    {
      // the pods that mount its Secret read the new certificate once restarted: after this step
      // began (the clock kubectl stamps a restart with), never judged by the certificate's
      // notBefore, which an issuer may set early
      name: 'roll',
      remember: () => String(now()),
      done: async (t, { cluster, memo }) => {
        if (memo === undefined) return null;
        const c = await cluster.certificate(t.namespace as string, t.name as string);
        if (!c) throw new Error(`no Certificate ${t.id}`);
        const mounting = await cluster.workloadsMounting(t.namespace as string, c.secretName);
        if (mounting.length === 0) return `no Deployment or StatefulSet mounts Secret ${c.secretName}`;
        return (
          mounting.every((w) => w.restartedAt !== null && w.restartedAt >= Number(memo)) &&
          `${mounting.length} workload(s) restarted`
        );
      },
      run: async (t, { cluster, memo, log }) => {
        const ns = t.namespace as string;
        const c = await cluster.certificate(ns, t.name as string);
        if (!c) throw new Error(`no Certificate ${t.id}`);
        const mounting = await cluster.workloadsMounting(ns, c.secretName);
        if (mounting.length === 0) log(`no Deployment or StatefulSet mounts Secret ${c.secretName}`);
        for (const w of mounting)
          if (w.restartedAt === null || w.restartedAt < Number(memo ?? 0))
            await cluster.restartWorkload(ns, w.kind, w.name);
      },
    },
  ],
} satisfies Runbook;
