/**
 * The simulated cluster: what kube-state-metrics, the kubelets and the API server report for
 * exactly the objects the stacks create (view/cluster-objects.ts), healthy unless a Kubernetes
 * fault says otherwise. Each fault changes what a real failure changes:
 * - `pod-crashloop` (a workload; `pods`, 1 by default): that many of its pods restart in a loop,
 *   running but not ready, their container waiting in CrashLoopBackOff;
 * - `replicas-short` (a workload; `missing`, 1 by default): that many pods stay Pending;
 * - `rollout-stuck` (a workload): a Deployment's rollout stops progressing, a StatefulSet's update
 *   stops one pod short of its new revision;
 * - `hpa-maxed` (an autoscaler): it runs at its ceiling; `hpa-stuck`: it wants more than it gets;
 * - `quota-full` (a namespace; `share`, 1.05 by default): its quota is used to that share;
 * - `node-not-ready`, `node-unreachable` (a Node): Ready false, or unknown with the unreachable taint;
 * - `pv-filling` (a StatefulSet; `ordinal`, its pod from 0, 0 by default; `fillSeconds`): the
 *   pod's volume fills;
 * - `cpu-throttled` (a workload): its containers are throttled half of their CFS periods;
 * - `kubelet-down`, `apiserver-down` (`cluster`): they stop answering;
 * - `client-cert-expiring` (`cluster`; `days`, 0.5 by default): clients present certificates
 *   that expire that soon.
 */
import { type ClusterObjects, objectKey, type Workload } from '../../view/cluster-objects.ts';
import type { KsmPod, KsmSnapshot } from '../metrics/kube-state.ts';
import type { ThrottlingReading, VolumeReading } from '../metrics/kubelet.ts';
import type { Fault } from './faults.ts';
import { jitter } from './load-model.ts';
import { BYTES_PER_INODE, FILL_SECONDS } from './node-conditions.ts';
import { RateIntegrator } from './rate-integrator.ts';

/** CFS enforcement periods a second (100 ms each). */
const CFS_PER_SECOND = 10;
/** Client requests a second the API server serves. */
const API_REQUESTS_PER_SECOND = 50;
const DAY = 86_400;

/** Kubernetes' alphabet for generated names (no vowels, no look-alikes). */
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const suffix = (seed: string, length: number) => {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[Math.floor(jitter(`${seed}#${i}`) * ALPHABET.length)];
  return out;
};

/** The faults by kind and target, indexed once per reading. */
class FaultIndex {
  private readonly by = new Map<string, Fault[]>();

  constructor(faults: readonly Fault[]) {
    for (const f of faults) {
      const key = `${f.kind}\u0000${f.target}`;
      this.by.set(key, [...(this.by.get(key) ?? []), f]);
    }
  }

  all(kind: Fault['kind'], target: string): readonly Fault[] {
    return this.by.get(`${kind}\u0000${target}`) ?? [];
  }

  on(kind: Fault['kind'], target: string): Fault | undefined {
    return this.all(kind, target)[0];
  }
}

export class ClusterState {
  private readonly counters: RateIntegrator;
  private readonly autoscalerOf = new Map<string, ClusterObjects['autoscalers'][number]>();

  constructor(
    readonly objects: ClusterObjects,
    /** When the cluster's counters started (and its objects were made), unix seconds. */
    private readonly epoch: number,
    private readonly timeScale = 1,
    /** The namespace and Node label keys kube-state-metrics is allowed to show. */
    private readonly allowed: { namespaces: readonly string[]; nodes: readonly string[] } = {
      namespaces: [],
      nodes: [],
    },
  ) {
    this.counters = new RateIntegrator((t) => t - epoch);
    for (const a of objects.autoscalers) this.autoscalerOf.set(`${a.namespace}/${a.target}`, a);
  }

  /** The replicas a workload runs now: its autoscaler's current count, or its own. */
  private replicas(w: Workload, faults: FaultIndex): number {
    const hpa = this.autoscalerOf.get(objectKey(w));
    if (!hpa) return w.replicas;
    return this.hpaState(hpa, faults).current;
  }

  private hpaState(hpa: ClusterObjects['autoscalers'][number], faults: FaultIndex) {
    const key = objectKey(hpa);
    if (faults.on('hpa-maxed', key)) return { current: hpa.max, desired: hpa.max };
    if (faults.on('hpa-stuck', key)) {
      const current = Math.min(hpa.max - 1, hpa.min + 1);
      return { current, desired: current + 1 };
    }
    return { current: hpa.min, desired: hpa.min };
  }

  /** A workload's pods, in order, with what the faults on it do to each. */
  private pods(w: Workload, faults: FaultIndex): KsmPod[] {
    const key = objectKey(w);
    const on = (kind: Fault['kind']) => faults.on(kind, key);
    const count = this.replicas(w, faults);
    const crashloop = on('pod-crashloop');
    const short = on('replicas-short');
    const crashing = crashloop ? Math.min(count, crashloop.pods ?? 1) : 0;
    const pending = short ? Math.min(count - crashing, short.missing ?? 1) : 0;
    const replicaSet = `${w.name}-${suffix(key, 10)}`;
    return Array.from({ length: count }, (_, i) => {
      const crash = i < crashing;
      const missing = i >= count - pending;
      return {
        namespace: w.namespace,
        pod: w.kind === 'StatefulSet' ? `${w.name}-${i}` : `${replicaSet}-${suffix(`${key}/${i}`, 5)}`,
        ownerKind: w.kind === 'StatefulSet' ? 'StatefulSet' : 'ReplicaSet',
        ownerName: w.kind === 'StatefulSet' ? w.name : replicaSet,
        container: 'app',
        phase: missing ? 'Pending' : 'Running',
        ready: !crash && !missing,
        waiting: crash ? 'CrashLoopBackOff' : null,
      };
    });
  }

  private ksmLabels(
    labels: Readonly<Record<string, string>>,
    allowed: readonly string[],
  ): Record<string, string> {
    const out: Record<string, string> = {};
    for (const key of allowed)
      if (labels[key] !== undefined)
        out[`label_${key.replace(/[^a-zA-Z0-9_]/g, '_')}`] = labels[key] as string;
    return out;
  }

  /** What kube-state-metrics reports now. */
  ksm(list: readonly Fault[]): KsmSnapshot {
    const faults = new FaultIndex(list);
    const o = this.objects;
    const pods = new Map(o.workloads.map((w) => [objectKey(w), this.pods(w, faults)]));
    const ready = (w: Workload) => (pods.get(objectKey(w)) ?? []).filter((p) => p.ready).length;
    const stuck = (w: Workload) => faults.on('rollout-stuck', objectKey(w)) !== undefined;
    return {
      namespaces: o.namespaces.map((n) => ({
        namespace: n.name,
        labels: this.ksmLabels(n.labels, this.allowed.namespaces),
      })),
      nodes: o.nodes.map((n) => {
        const notReady = faults.on('node-not-ready', n.name) !== undefined;
        const unreachable = faults.on('node-unreachable', n.name) !== undefined;
        return {
          node: n.name,
          labels: this.ksmLabels(n.labels, this.allowed.nodes),
          ready: unreachable ? 'unknown' : notReady ? 'false' : 'true',
          taints: unreachable
            ? [
                { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
                { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' },
              ]
            : notReady
              ? [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }]
              : [],
        };
      }),
      deployments: o.workloads
        .filter((w) => w.kind === 'Deployment')
        .map((w) => {
          const replicas = this.replicas(w, faults);
          return {
            namespace: w.namespace,
            deployment: w.name,
            replicas,
            available: ready(w),
            updated: replicas,
            generation: 1,
            observedGeneration: 1,
            progressing: !stuck(w),
          };
        }),
      statefulSets: o.workloads
        .filter((w) => w.kind === 'StatefulSet')
        .map((w) => {
          const revision = `${w.name}-${suffix(`${objectKey(w)}/revision`, 10)}`;
          return {
            namespace: w.namespace,
            statefulset: w.name,
            replicas: w.replicas,
            ready: ready(w),
            updated: stuck(w) ? w.replicas - 1 : w.replicas,
            currentRevision: revision,
            updateRevision: stuck(w) ? `${w.name}-${suffix(`${objectKey(w)}/next`, 10)}` : revision,
            generation: 1,
            created: this.epoch,
          };
        }),
      autoscalers: o.autoscalers.map((a) => ({
        namespace: a.namespace,
        horizontalpodautoscaler: a.name,
        min: a.min,
        max: a.max,
        ...this.hpaState(a, faults),
      })),
      disruptionBudgets: o.disruptionBudgets.map((b) => {
        // the workload whose pods the budget selects
        const w = o.workloads.find(
          (x) =>
            x.namespace === b.namespace && Object.entries(b.selector).every(([k, v]) => x.selector[k] === v),
        );
        const expected = w ? (pods.get(objectKey(w)) ?? []).length : 0;
        return {
          namespace: b.namespace,
          poddisruptionbudget: b.name,
          expected,
          desiredHealthy: b.minAvailable ?? Math.max(0, expected - (b.maxUnavailable ?? 0)),
          currentHealthy: w ? ready(w) : 0,
        };
      }),
      quotas: o.quotas.flatMap((q) => {
        const full = faults.on('quota-full', q.namespace);
        return Object.entries(q.hard).map(([resource, hard]) => ({
          namespace: q.namespace,
          resourcequota: q.name,
          resource,
          hard,
          used: hard * (full ? (full.share ?? 1.05) : 0.4 + 0.3 * jitter(`${objectKey(q)}/${resource}`)),
        }));
      }),
      pods: [...pods.values()].flat(),
    };
  }

  /** What the kubelets report of every StatefulSet pod's claimed volumes now. */
  volumes(list: readonly Fault[], t: number): VolumeReading[] {
    const faults = new FaultIndex(list);
    const out: VolumeReading[] = [];
    for (const w of this.objects.workloads)
      for (let i = 0; i < w.replicas; i++)
        for (const claim of w.volumeClaims) {
          const pvc = `${claim.name}-${w.name}-${i}`;
          const share = 0.3 + 0.3 * jitter(`${w.namespace}/${pvc}`);
          const filling = faults.all('pv-filling', objectKey(w)).find((f) => (f.ordinal ?? 0) === i);
          const fill = filling?.fillSeconds ?? FILL_SECONDS / this.timeScale;
          const used = filling ? share + (1 - share) * Math.min(1, (t - filling.since) / fill) : share;
          const inodes = Math.round(claim.bytes / BYTES_PER_INODE);
          out.push({
            namespace: w.namespace,
            persistentvolumeclaim: pvc,
            capacityBytes: claim.bytes,
            usedBytes: Math.round(claim.bytes * used),
            inodes,
            inodesUsed: Math.round(inodes * 0.05),
          });
        }
    return out;
  }

  /** What cAdvisor reports of every running container's CFS periods now. */
  throttling(list: readonly Fault[], t: number): ThrottlingReading[] {
    const faults = new FaultIndex(list);
    const out: ThrottlingReading[] = [];
    for (const w of this.objects.workloads) {
      const throttled = faults.on('cpu-throttled', objectKey(w)) !== undefined;
      for (const p of this.pods(w, faults)) {
        if (p.phase !== 'Running') continue;
        const key = `${p.namespace}/${p.pod}`;
        const share = throttled ? 0.5 : 0.01 + 0.04 * jitter(key);
        out.push({
          namespace: p.namespace,
          pod: p.pod,
          container: p.container,
          periods: this.counters.at(`${key} periods`, CFS_PER_SECOND, t),
          throttled: this.counters.at(`${key} throttled`, CFS_PER_SECOND * share, t),
        });
      }
    }
    return out;
  }

  /** The API server's client requests so far and the expiry of the certificates they present. */
  certificates(list: readonly Fault[], t: number): { requests: number; expirySeconds: number } {
    const faults = new FaultIndex(list);
    const expiring = faults.on('client-cert-expiring', 'cluster');
    return {
      requests: this.counters.at('apiserver requests', API_REQUESTS_PER_SECOND, t),
      expirySeconds: expiring ? (expiring.days ?? 0.5) * DAY : 300 * DAY,
    };
  }
}
