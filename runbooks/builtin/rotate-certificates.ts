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
    if (!(days > 0 && days <= 365)) throw new Error('days must be from 1 to 365');
    if (!(Number.isInteger(perWave) && perWave >= 1 && perWave <= 100))
      throw new Error('perWave must be a whole number from 1 to 100');
    const rows = await query(`certmanager_certificate_expiration_timestamp_seconds - time() < ${days * DAY}`);
    const expiring: Expiring[] = rows
      .map((r) => ({
        id: `${r.labels.namespace}/${r.labels.name}`,
        namespace: r.labels.namespace ?? '',
        name: r.labels.name ?? '',
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
      done: async (t, { cluster, params }) => {
        const c = await cluster.certificate(t.namespace as string, t.name as string);
        if (!c) throw new Error(`no Certificate ${t.id}`);
        return c.notAfter - now() > Number(params.days) * DAY && `valid until ${date(c.notAfter)}`;
      },
      run: async (t, { cluster, until }) => {
        const ns = t.namespace as string;
        const name = t.name as string;
        const before = (await cluster.certificate(ns, name))?.notAfter ?? 0;
        await cluster.renewCertificate(ns, name);
        // cert-manager issues it: its new certificate ends later
        await until(
          `${t.id} is issued again`,
          async () => ((await cluster.certificate(ns, name))?.notAfter ?? 0) > before,
          300,
        );
      },
      retries: 1,
    },
    {
      // the pods that mount its Secret read the new certificate once restarted
      name: 'roll',
      done: async (t, { cluster }) => {
        const c = await cluster.certificate(t.namespace as string, t.name as string);
        if (!c) throw new Error(`no Certificate ${t.id}`);
        const mounting = await cluster.workloadsMounting(t.namespace as string, c.secretName);
        return (
          mounting.every((w) => w.restartedAt !== null && w.restartedAt >= c.notBefore) &&
          `${mounting.length} workload(s) restarted since it was issued`
        );
      },
      run: async (t, { cluster }) => {
        const ns = t.namespace as string;
        const c = await cluster.certificate(ns, t.name as string);
        if (!c) throw new Error(`no Certificate ${t.id}`);
        for (const w of await cluster.workloadsMounting(ns, c.secretName))
          if (w.restartedAt === null || w.restartedAt < c.notBefore)
            await cluster.restartWorkload(ns, w.kind, w.name);
      },
    },
  ],
} satisfies Runbook;
