// runbooks/builtin/replace-server.ts — built into citycloud, written only with the authoring API:
// copy it into your inventory's runbooks/ folder under a name of your own to change it.
import type { Runbook } from 'citycloud/runbook'; // types only: nothing is imported at run time

/** Today in the city (UTC+7), as the inventory writes dates. */
const today = () => new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);

export default {
  name: 'replace-server',
  description:
    'takes a failed server out of service and out of the inventory, waits (days if need be) for its replacement to be racked, and puts it back in',
  params: {
    server: { description: 'the failed server, e.g. dc1-h1-r03-k07-u12' },
    reason: { description: 'why, kept in the inventory: the fault, the ticket' },
  },
  // a failed server is out already: its replacement need not wait for the maintenance window
  window: 'any',
  plan: ({ model, params }) => {
    const s = model.servers.find((x) => x.name === params.server);
    if (!s) throw new Error(`no server ${params.server} in the inventory`);
    // checked before anything acts: the inventory keeps it (one line of at most 120 characters)
    const reason = String(params.reason);
    if (reason.trim() === '' || reason.length > 120 || /[\p{Cc}]/u.test(reason))
      throw new Error('the reason is kept in the inventory: one line of 1 to 120 characters');
    return [[{ id: s.name, server: s.name, pool: s.pool, rack: s.rack }]];
  },
  steps: [
    {
      name: 'cordon',
      done: async (t, { fleet }) => (await fleet.facts(t.id)).cordoned && 'cordoned',
      run: (t, { fleet }) => fleet.cordon(t.id),
    },
    {
      // its pods start elsewhere: evicted when it answers, else deleted by Kubernetes once it is
      // tainted out of service (non-graceful node shutdown), their volumes detached
      name: 'drain',
      // a drain is harmless to repeat; a server tainted out of service has had its pods moved
      done: async (t, { fleet }) => {
        const f = await fleet.facts(t.id);
        return !f.up && f.fenced && 'tainted out of service';
      },
      run: async (t, { fleet, log }) => {
        if ((await fleet.facts(t.id)).up) return fleet.drain(t.id);
        log(`${t.id} does not answer: tainting it out of service`);
        return fleet.fence(t.id);
      },
    },
    {
      // nothing is deployed to it, watched on it or upgraded on it while it is listed
      name: 'take-out',
      done: (t, { inventory }) =>
        inventory.model().outOfService.some((o) => o.server === t.id) && 'listed out of service',
      run: (t, { inventory, params }) => {
        const file = inventory.fileOf('outOfService') ?? inventory.fileOf('datacentre');
        if (!file) throw new Error('no inventory file holds the datacentre');
        return inventory.edit(
          [
            {
              file,
              yamlPath: ['outOfService'],
              op: 'append',
              value: { server: t.id, reason: params.reason, since: today() },
            },
          ],
          `${t.id} out of service: ${params.reason}`,
        );
      },
    },
    {
      // days may pass: the run stops here (exit 75) until the replacement answers, with a boot
      // that is not the one seen when the step began; `citycloud runbook resume` asks again
      name: 'await-replacement',
      remember: async (t, { fleet }) => {
        const f = await fleet.facts(t.id);
        return f.up ? `boot ${f.bootId}` : 'down';
      },
      done: async (t, { fleet, memo }) => {
        if (memo === undefined) return null;
        const f = await fleet.facts(t.id);
        return f.up && `boot ${f.bootId}` !== memo && `answers, booted anew (${f.bootId})`;
      },
      run: (t, { wait }) =>
        wait(`the replacement of ${t.id} is not racked yet (a server that answers, freshly booted)`),
    },
    {
      name: 'put-back',
      done: (t, { inventory }) =>
        !inventory.model().outOfService.some((o) => o.server === t.id) && 'not listed out of service',
      run: (t, { inventory }) => {
        const file = inventory.fileOf('outOfService');
        if (!file) throw new Error('no inventory file holds outOfService');
        return inventory.edit(
          [{ file, yamlPath: ['outOfService'], op: 'remove', match: { server: t.id } }],
          `${t.id} back in service`,
        );
      },
    },
    {
      name: 'uncordon',
      done: async (t, { fleet }) => {
        const f = await fleet.facts(t.id);
        return f.up && !f.cordoned && !f.fenced && 'in service';
      },
      run: async (t, { fleet }) => {
        await fleet.unfence(t.id);
        await fleet.uncordon(t.id);
      },
    },
  ],
} satisfies Runbook;
