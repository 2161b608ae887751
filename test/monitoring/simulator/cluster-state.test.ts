// integration: renders the built-in city's Terraform stacks (cdktf) for the simulator's cluster
/**
 * The simulated cluster serves kube-state-metrics series for exactly the objects the stacks
 * create — read from the synthesized JSON independently here — and a planned tenant's Deployment
 * appears once its phase is in service; each Kubernetes fault changes what it is about.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CityModel, loadCity } from '../../../model/index.ts';
import { FleetSimulator } from '../../../monitoring/simulator/fleet-simulator.ts';
import { renderPlan } from '../../../stacks/stack-plan.ts';
import { terraformPlans } from '../../../stacks/terraform-view.ts';
import { type ClusterObjects, clusterObjects } from '../../../view/cluster-objects.ts';
import { BUILTIN_CITY, ROOT, tempDir } from '../../helpers/city.ts';

const T0 = Date.UTC(2026, 10, 24, 9) / 1000;

async function stacksOf(model: CityModel): Promise<string[]> {
  const out: string[] = [];
  for (const plan of terraformPlans(model)) out.push((await renderPlan(plan)).content);
  return out;
}

/** `namespace/name` of every series of a metric in Prometheus text, by the label naming the object. */
function objects(text: string, metric: string, label: string): string[] {
  const re = new RegExp(`^${metric}\\{namespace="([^"]+)",${label}="([^"]+)"`);
  return text
    .split('\n')
    .flatMap((l) => {
      const m = re.exec(l);
      return m ? [`${m[1]}/${m[2]}`] : [];
    })
    .sort();
}

/** `namespace/name` of every resource of a type in the stacks' JSON, read without clusterObjects. */
function synthesized(stacks: readonly string[], type: string): string[] {
  return stacks
    .flatMap((s) =>
      Object.values(
        (
          JSON.parse(s) as {
            resource?: Record<string, Record<string, { metadata: { namespace: string; name: string } }>>;
          }
        ).resource?.[type] ?? {},
      ).map((r) => `${r.metadata.namespace}/${r.metadata.name}`),
    )
    .sort();
}

describe('the simulated cluster', () => {
  const model = loadCity(BUILTIN_CITY).model as CityModel;
  let stacks: string[] = [];
  let cluster: ClusterObjects;
  let sim: FleetSimulator;
  let t = T0;
  beforeAll(async () => {
    stacks = await stacksOf(model);
    cluster = clusterObjects(stacks);
    sim = new FleetSimulator(model, () => t, 1, cluster);
  }, 120_000);

  it('reports exactly the Deployments, StatefulSets, autoscalers, budgets and quotas synth writes', async () => {
    const ksm = (await sim.scrapeCluster('ksm')) as string;
    expect(objects(ksm, 'kube_deployment_spec_replicas', 'deployment')).toEqual(
      synthesized(stacks, 'kubernetes_deployment_v1'),
    );
    expect(objects(ksm, 'kube_statefulset_replicas', 'statefulset')).toEqual(
      synthesized(stacks, 'kubernetes_stateful_set_v1'),
    );
    expect(objects(ksm, 'kube_horizontalpodautoscaler_spec_max_replicas', 'horizontalpodautoscaler')).toEqual(
      synthesized(stacks, 'kubernetes_horizontal_pod_autoscaler_v2'),
    );
    expect(objects(ksm, 'kube_poddisruptionbudget_status_desired_healthy', 'poddisruptionbudget')).toEqual(
      synthesized(stacks, 'kubernetes_pod_disruption_budget_v1'),
    );
    expect(new Set(objects(ksm, 'kube_resourcequota', 'resourcequota'))).toEqual(
      new Set(synthesized(stacks, 'kubernetes_resource_quota_v1')),
    );
    // the Nodes are the servers in service, each with its pool and criticality as labels
    const nodes = ksm.split('\n').filter((l) => l.startsWith('kube_node_labels{'));
    expect(nodes).toHaveLength(1028);
    expect(nodes[0]).toMatch(
      /label_citycloud_hcmc_gov_vn_criticality="\w+",label_citycloud_hcmc_gov_vn_pool="[\w-]+"/,
    );
    // the kube-state-metrics Deployment the platform stack deploys is itself reported
    expect(ksm).toContain(
      'kube_deployment_spec_replicas{namespace="platform",deployment="kube-state-metrics"} 1',
    );
    // a healthy cluster: every pod ready, every budget met
    expect(ksm).not.toMatch(/kube_pod_container_status_waiting_reason\{/);
    expect(ksm).not.toMatch(/kube_pod_status_ready\{[^}]*condition="true"\} 0/);
  });

  it('reports a planned tenant’s Deployment once its phase is in service, and not before', async () => {
    const inventory = tempDir();
    cpSync(join(ROOT, 'inventory'), inventory, { recursive: true });
    const text = readFileSync(join(inventory, 'city.yaml'), 'utf8');
    expect(text).toContain('status: planned}');
    writeFileSync(join(inventory, 'city.yaml'), text.replace('status: planned}', 'status: in-service}'));
    const live = loadCity(join(inventory, 'city.yaml')).model as CityModel;
    const now = (await sim.scrapeCluster('ksm')) as string;
    const later = (await new FleetSimulator(
      live,
      () => t,
      1,
      clusterObjects(await stacksOf(live)),
    ).scrapeCluster('ksm')) as string;
    expect(now).not.toContain('tenant-urban-cameras');
    expect(objects(later, 'kube_deployment_spec_replicas', 'deployment')).toContain(
      'tenant-urban-cameras/urban-cameras',
    );
  }, 120_000);

  it('changes what each fault is about, and refuses a target the stacks do not create', async () => {
    const faults = [
      sim.inject('pod-crashloop', 'tenant-edoc/edoc', { pods: 2 }),
      // one pod by default
      sim.inject('pod-crashloop', 'warehouse-land/land-s02'),
      sim.inject('replicas-short', 'warehouse-population/population-s01', { missing: 2 }),
      sim.inject('hpa-maxed', 'tenant-edoc/edoc'),
      sim.inject('quota-full', 'tenant-email', { share: 1.1 }),
      sim.inject('node-unreachable', 'dc1-h1-r01-k01-u01'),
      sim.inject('rollout-stuck', 'warehouse-population/population-s02'),
    ];
    const ksm = (await sim.scrapeCluster('ksm')) as string;
    expect(
      ksm.match(
        /kube_pod_container_status_waiting_reason\{namespace="tenant-edoc"[^}]*reason="CrashLoopBackOff"\} 1/g,
      ),
    ).toHaveLength(2);
    expect(ksm).toContain(
      'kube_statefulset_status_replicas_ready{namespace="warehouse-population",statefulset="population-s01"} 1',
    );
    expect(ksm).toContain(
      'kube_statefulset_status_replicas_ready{namespace="warehouse-land",statefulset="land-s02"} 2',
    );
    expect(ksm).toMatch(
      /kube_horizontalpodautoscaler_status_current_replicas\{namespace="tenant-edoc",horizontalpodautoscaler="edoc"\} 593/,
    );
    // the autoscaler's 593 pods, two of them crash-looping: 591 healthy
    expect(ksm).toContain(
      'kube_poddisruptionbudget_status_current_healthy{namespace="tenant-edoc",poddisruptionbudget="edoc"} 591',
    );
    const used =
      /kube_resourcequota\{namespace="tenant-email",resourcequota="requests",resource="requests.cpu",type="used"\} (\S+)/.exec(
        ksm,
      );
    expect(Number(used?.[1])).toBeCloseTo(2400 * 1.1);
    expect(ksm).toContain(
      'kube_node_status_condition{node="dc1-h1-r01-k01-u01",condition="Ready",status="unknown"} 1',
    );
    expect(ksm).toContain(
      'kube_node_spec_taint{node="dc1-h1-r01-k01-u01",key="node.kubernetes.io/unreachable",value="",effect="NoSchedule"} 1',
    );
    const revisions =
      ksm.match(
        /kube_statefulset_status_(current|update)_revision\{namespace="warehouse-population",statefulset="population-s02",revision="([^"]+)"\}/g,
      ) ?? [];
    expect(new Set(revisions.map((r) => r.replace(/.*revision="/, ''))).size).toBe(2);
    for (const f of faults) sim.clear(f.id);
    expect(await sim.scrapeCluster('ksm')).not.toMatch(/waiting_reason\{/);

    expect(() => sim.inject('pod-crashloop', 'tenant-edoc/nothing')).toThrow(
      'no Deployment or StatefulSet (namespace/name) "tenant-edoc/nothing" in the synthesized stacks',
    );
    expect(() => sim.inject('hpa-maxed', 'warehouse-population/population-s01')).toThrow('no autoscaler');
    expect(() => sim.inject('kubelet-down', 'dc1-h1-r01-k01-u01')).toThrow('target must be "cluster"');
    expect(() => sim.inject('pv-filling', 'warehouse-population/population-s01', { ordinal: 7 })).toThrow(
      'ordinal must be a pod of warehouse-population/population-s01, from 0 to 2; got 7',
    );
    expect(() => new FleetSimulator(model).inject('kubelet-down', 'cluster')).toThrow(
      'this simulator was started without the cluster’s objects',
    );
  });

  it('refuses an autoscaler fault that its bounds leave no room for', () => {
    const objects: ClusterObjects = {
      namespaces: [],
      nodes: [],
      workloads: [],
      disruptionBudgets: [],
      quotas: [],
      autoscalers: [
        { namespace: 'n', name: 'fixed', target: 'fixed', min: 2, max: 2 },
        { namespace: 'n', name: 'narrow', target: 'narrow', min: 2, max: 3 },
      ],
    };
    const small = new FleetSimulator(model, () => t, 1, objects);
    expect(() => small.inject('hpa-maxed', 'n/fixed')).toThrow(
      'autoscaler n/fixed runs 2 to 2 pods: a hpa-maxed fault needs a ceiling above its floor',
    );
    expect(() => small.inject('hpa-stuck', 'n/narrow')).toThrow('at least two pods between its bounds');
    expect(small.inject('hpa-maxed', 'n/narrow').kind).toBe('hpa-maxed');
  });

  it('fills a claimed volume, throttles a workload, stops the kubelets and expires the client certificates', async () => {
    const volume = async () =>
      Number(
        /kubelet_volume_stats_available_bytes\{namespace="warehouse-land",persistentvolumeclaim="data-land-s01-1"\} (\S+)/.exec(
          (await sim.scrapeCluster('kubelet')) as string,
        )?.[1],
      );
    const before = await volume();
    const fill = sim.inject('pv-filling', 'warehouse-land/land-s01', { ordinal: 1, fillSeconds: 100 });
    t += 100;
    expect(before).toBeGreaterThan(0);
    expect(await volume()).toBe(0);
    sim.clear(fill.id);
    const throttled = sim.inject('cpu-throttled', 'tenant-email/email');
    const ratio = async () => {
      const text = (await sim.scrapeCluster('cadvisor')) as string;
      const sum = (m: string) =>
        text
          .split('\n')
          .filter((l) => l.startsWith(`${m}{namespace="tenant-email"`))
          .reduce((s, l) => s + Number(l.split(' ').at(-1)), 0);
      return [sum('container_cpu_cfs_throttled_periods_total'), sum('container_cpu_cfs_periods_total')];
    };
    const [a, b] = await ratio();
    t += 60;
    const [c, d] = await ratio();
    expect(((c as number) - (a as number)) / ((d as number) - (b as number))).toBeCloseTo(0.5);
    sim.clear(throttled.id);
    const down = sim.inject('kubelet-down', 'cluster');
    expect(await sim.scrapeCluster('kubelet')).toBeNull();
    expect(await sim.scrapeCluster('ksm')).not.toBeNull();
    sim.clear(down.id);
    const bucket = (api: string, le: string) =>
      Number(
        new RegExp(
          `apiserver_client_certificate_expiration_seconds_bucket\\{le="${le.replace('+', '\\+')}"\\} (\\S+)`,
        ).exec(api)?.[1],
      );
    // until now, every request presented a certificate good for most of a year
    const healthy = (await sim.scrapeCluster('apiserver')) as string;
    expect(bucket(healthy, '31104000')).toBeGreaterThan(0);
    expect(bucket(healthy, '604800')).toBe(0);
    sim.inject('client-cert-expiring', 'cluster', { days: 0.5 });
    t += 60;
    const api = (await sim.scrapeCluster('apiserver')) as string;
    // the requests of the last minute (50 a second) are in the buckets of 12 hours and up
    expect(bucket(api, '43200')).toBeCloseTo(50 * 60);
    expect(bucket(api, '21600')).toBe(0);
    expect(bucket(api, '+Inf') - bucket(healthy, '+Inf')).toBeCloseTo(50 * 60);
  });
});
