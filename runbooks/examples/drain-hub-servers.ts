// runbooks/drain-hub-servers.ts
import type { Runbook } from 'citycloud/runbook'; // types only: nothing is imported at run time

export default {
  name: 'drain-hub-servers',
  description: 'cordons and drains the servers of one rack, wave by wave',
  params: {
    rack: { description: 'the rack, e.g. hcm1-h1-r01-k01' },
    kubeContext: { description: 'the kubeconfig context', default: 'city' },
  },
  window: 'maintenance', // waves start only inside runbooks.upgrade.window ('any': at any time)
  gates: ['wave-back', 'fleet-up', 'critical-alerts'],
  // the servers by failure domain, as the upgrade plans them (or your own list of waves)
  plan: ({ model, params, serverWaves }) =>
    serverWaves(model.servers.filter((s) => s.rack === params.rack).map((s) => s.name)),
  steps: [
    {
      name: 'cordon',
      // read from the target itself, before every step: what makes a resume exact
      done: async (t, { $, params }) =>
        (
          await $`kubectl --context ${params.kubeContext} get node ${t.id} -o jsonpath={.spec.unschedulable}`
        ).stdout.trim() === 'true',
      run: (t, { $, params }) => $`kubectl --context ${params.kubeContext} cordon ${t.id}`,
    },
    {
      name: 'drain',
      done: () => false, // draining a drained node changes nothing: it runs every time
      run: (t, { $, params }) =>
        $`kubectl --context ${params.kubeContext} drain ${t.id} --ignore-daemonsets --delete-emptydir-data`,
      retries: 2, // with backoff, `done` asked again before each
    },
  ],
} satisfies Runbook;
