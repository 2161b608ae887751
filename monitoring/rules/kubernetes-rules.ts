/**
 * The Kubernetes workloads the stacks deploy, watched as kubernetes-monitoring/kubernetes-mixin
 * watches them (read at aa38e2b, August 2026): its alerts by their names, expressions, thresholds
 * and `for` windows, on the jobs its config names (kube-state-metrics, kubelet, cadvisor,
 * kube-apiserver). What citycloud knows more of goes into the labels:
 * - a workload's alert takes its severity from its namespace's criticality (the tenant's most
 *   critical pool, the warehouse's pool), as ServerDown does — critical pages, high is a ticket,
 *   normal informs; a namespace citycloud does not label keeps the mixin's severity;
 * - the owning agency and tenant or warehouse (`agency`, `owner`) come from the namespace's labels
 *   as kube-state-metrics shows them (`--metric-labels-allowlist`), so Alertmanager routes an
 *   agency's alerts to it; a Node's alerts carry its pool and its pool's criticality;
 * - `runbook` is the alert's entry in runbooks/alerts.md;
 * - a warehouse StatefulSet (a shard or the Keeper) with fewer ready pods than its quorum is
 *   critical (KubeStatefulSetBelowQuorum).
 */
import { type CityModel, cityLabel, ksmLabel } from '../../model/index.ts';
import { KSM } from '../metrics/kube-state.ts';
import {
  CFS_PERIODS,
  CFS_THROTTLED,
  CLIENT_CERT_BUCKETS,
  CLIENT_CERT_EXPIRATION,
  KUBELET_VOLUME,
} from '../metrics/kubelet.ts';
import {
  type AlertInput,
  type AlertScenario,
  type AlertSpec,
  alertRule,
  promLiteral,
  type RecordingRule,
  type Severity,
  type TestSeries,
} from '../rule-types.ts';
import type { RuleSet } from './rule-set.ts';
import { SEVERITY } from './server-rules.ts';

const KSM_JOB = 'job="kube-state-metrics"';
const KUBELET_JOB = 'job="kubelet"';
const CADVISOR_JOB = 'job="cadvisor"';
const APISERVER_JOB = 'job="kube-apiserver"';
/** The jobs whose targets being up the global adds up from the shards. */
export const KUBERNETES_UP_JOBS = ['kubelet', 'kube-apiserver'] as const;

const L = (name: string) => ksmLabel(cityLabel(name));

/**
 * Each namespace's owner as alert labels, from its kube-state-metrics labels: the agency, and the
 * tenant or warehouse as `owner`; only namespaces of one criticality when given.
 */
function owners(filter = ''): string {
  const labels = `${KSM.namespaceLabels}{${KSM_JOB}${filter}}`;
  const agency = `label_replace(${labels}, "agency", "$1", "${L('agency')}", "(.+)")`;
  const tenant = `label_replace(${agency}, "owner", "$1", "${L('tenant')}", "(.+)")`;
  const warehouse = `label_replace(${tenant}, "owner", "$1", "${L('warehouse')}", "(.+)")`;
  return `max by (namespace, agency, owner) (${warehouse})`;
}
const withOwner = (expr: string, filter = '') =>
  `(${expr}) * on (namespace) group_left (agency, owner) ${owners(filter)}`;

/** Each Node's pool as an alert label, for Nodes of one criticality. */
const withPool = (expr: string, criticality: string) =>
  `(${expr}) * on (node) group_left (pool) max by (node, pool) (label_replace(${KSM.nodeLabels}{${KSM_JOB},${L('criticality')}="${criticality}"}, "pool", "$1", "${L('pool')}", "(.+)"))`;

/** The namespace every scenario's objects are in, and its labels as kube-state-metrics shows them. */
const NS = 'ns1';
const namespaceSeries = (criticality: string, warehouse = false): TestSeries => ({
  series: `${KSM.namespaceLabels}{${KSM_JOB},namespace="${NS}",${L('criticality')}="${criticality}",${
    warehouse ? `${L('warehouse')}="w1"` : `${L('agency')}="a1",${L('tenant')}="t1"`
  }}`,
  values: '1x200',
});

type Add = (input: Omit<AlertInput, 'perTarget'> & { perTarget?: boolean }) => void;

interface WorkloadAlert {
  readonly alert: string;
  /** The mixin's expression, with its output labels naming the object. */
  readonly expr: string;
  readonly for: string;
  readonly severity: Severity;
  readonly summary: string;
  readonly description: string;
  /** Its scenario in namespace NS: the series, when it holds, and the labels it fires with. */
  readonly series: readonly TestSeries[];
  readonly activeFromMinute: number;
  readonly firingLabels: Readonly<Record<string, string>>;
}

export function kubernetesRules(model: CityModel): RuleSet {
  const base = model.monitoring.runbookBaseUrl;
  const alerts: AlertSpec[] = [];
  const add: Add = (input) =>
    alerts.push(
      alertRule(
        {
          ...input,
          labels: {
            ...input.labels,
            runbook: promLiteral(`${base}#${input.alert.toLowerCase()}`),
          },
          perTarget: input.perTarget ?? true,
        },
        base,
      ),
    );
  const k = (labels: Readonly<Record<string, string>>) =>
    Object.entries({ job: 'kube-state-metrics', namespace: NS, ...labels })
      .map(([key, v]) => `${key}="${v}"`)
      .join(',');

  for (const w of workloadAlerts(k)) {
    // a namespace citycloud labelled: its criticality decides; any other keeps the mixin's severity
    for (const criticality of ['critical', 'high', 'normal'] as const)
      add({
        alert: w.alert,
        expr: withOwner(w.expr, `,${L('criticality')}="${criticality}"`),
        for: w.for,
        severity: SEVERITY[criticality],
        labels: { criticality },
        summary: w.summary,
        description: `${w.description} Owner: {{ $labels.owner }}.`,
        scenario: scenario(w, [namespaceSeries(criticality)], { agency: 'a1', owner: 't1' }),
      });
    add({
      alert: w.alert,
      expr: `(${w.expr}) unless on (namespace) ${KSM.namespaceLabels}{${KSM_JOB},${L('criticality')}!=""}`,
      for: w.for,
      severity: w.severity,
      summary: w.summary,
      description: w.description,
      scenario: scenario(w, [], {}),
    });
  }

  quotaAlerts(add, k);
  storageAlerts(add);
  nodeAlerts(add, k);
  controlPlaneAlerts(add);

  add({
    alert: 'KubeStatefulSetBelowQuorum',
    expr: withOwner(
      `${KSM.statefulSetReady}{${KSM_JOB}} < floor(${KSM.statefulSetReplicas}{${KSM_JOB}} / 2) + 1`,
      `,${L('warehouse')}!=""`,
    ),
    for: '5m',
    severity: 'critical',
    summary: 'A warehouse StatefulSet has fewer ready pods than its quorum.',
    description:
      'StatefulSet {{ $labels.namespace }}/{{ $labels.statefulset }} of warehouse {{ $labels.owner }} has fewer ready pods than a majority of its replicas: its shard (or Keeper) has lost its quorum and stops taking writes.',
    scenario: {
      series: [
        namespaceSeries('critical', true),
        { series: `${KSM.statefulSetReplicas}{${k({ statefulset: 's1' })}}`, values: '3x30' },
        { series: `${KSM.statefulSetReady}{${k({ statefulset: 's1' })}}`, values: '3 3 1x30' },
      ],
      activeFromMinute: 2,
      firingLabels: { job: 'kube-state-metrics', namespace: NS, statefulset: 's1', owner: 'w1' },
    },
  });

  // what the global adds up from the shards for the control-plane alerts (aggregates)
  const upSum = `sum by (job) (up{job=~"${KUBERNETES_UP_JOBS.join('|')}"})`;
  const nodeCount = `count(${KSM.nodeInfo}{${KSM_JOB}})`;
  const recording: RecordingRule[] = [
    {
      record: 'job:up:sum',
      expr: upSum,
      sharded: {
        partials: [{ record: 'shard_job:up:sum', expr: upSum }],
        expr: 'sum by (job) (shard_job:up:sum)',
      },
    },
    {
      record: 'cluster:kube_node_info:count',
      expr: nodeCount,
      sharded: {
        partials: [{ record: 'shard_cluster:kube_node_info:count', expr: nodeCount }],
        expr: 'sum(shard_cluster:kube_node_info:count)',
      },
    },
  ];
  return { name: 'citycloud-kubernetes', recording, alerts };
}

/** A workload alert's scenario in NS, with the namespace's labels series and the owner labels. */
function scenario(
  w: WorkloadAlert,
  namespace: readonly TestSeries[],
  owner: Readonly<Record<string, string>>,
): AlertScenario {
  return {
    series: [...namespace, ...w.series],
    activeFromMinute: w.activeFromMinute,
    firingLabels: { ...w.firingLabels, ...owner },
  };
}

/** kubernetes-mixin's workload alerts (apps_alerts.libsonnet, resource_alerts.libsonnet). */
function workloadAlerts(k: (labels: Readonly<Record<string, string>>) => string): WorkloadAlert[] {
  const sel = `{${KSM_JOB}}`;
  const pod = { pod: 'p1' };
  const dep = { deployment: 'd1' };
  const sts = { statefulset: 's1' };
  const hpa = { horizontalpodautoscaler: 'h1' };
  const fired = (labels: Readonly<Record<string, string>>) => ({
    job: 'kube-state-metrics',
    namespace: NS,
    ...labels,
  });
  return [
    {
      alert: 'KubePodCrashLooping',
      expr: `max_over_time(${KSM.podWaiting}{reason="CrashLoopBackOff",${KSM_JOB}}[5m]) >= 1`,
      for: '15m',
      severity: 'warning',
      summary: 'Pod is crash looping.',
      description:
        'Pod {{ $labels.namespace }}/{{ $labels.pod }} ({{ $labels.container }}) is in waiting state (reason: "CrashLoopBackOff").',
      series: [
        {
          series: `${KSM.podWaiting}{${k({ ...pod, container: 'app', reason: 'CrashLoopBackOff' })}}`,
          values: '_ _ 1x30',
        },
      ],
      activeFromMinute: 2,
      firingLabels: fired({ ...pod, container: 'app', reason: 'CrashLoopBackOff' }),
    },
    {
      alert: 'KubePodNotReady',
      expr: `sum by (namespace, pod, job) (max by (namespace, pod, job) (${KSM.podPhase}{${KSM_JOB},phase=~"Pending|Unknown"} or (${KSM.podPhase}{${KSM_JOB},phase="Running"} == 1 and on (namespace, pod) ${KSM.podReady}{${KSM_JOB},condition="true"} == 0)) * on (namespace, pod) group_left () topk by (namespace, pod) (1, max by (namespace, pod, owner_kind) (${KSM.podOwner}{${KSM_JOB},owner_kind!="Job"}))) > 0 unless on (namespace, pod) kube_pod_status_reason{${KSM_JOB},reason="SchedulingGated"} == 1`,
      for: '15m',
      severity: 'warning',
      summary: 'Pod has been in a non-ready state for more than 15 minutes.',
      description:
        'Pod {{ $labels.namespace }}/{{ $labels.pod }} has been in a non-ready state for longer than 15 minutes.',
      series: [
        { series: `${KSM.podPhase}{${k({ ...pod, phase: 'Running' })}}`, values: '1x30' },
        { series: `${KSM.podReady}{${k({ ...pod, condition: 'true' })}}`, values: '1 1 0x30' },
        {
          series: `${KSM.podOwner}{${k({ ...pod, owner_kind: 'ReplicaSet', owner_name: 'd1-x' })}}`,
          values: '1x30',
        },
      ],
      activeFromMinute: 2,
      firingLabels: fired(pod),
    },
    {
      alert: 'KubeDeploymentReplicasMismatch',
      expr: `(${KSM.deploymentReplicas}${sel} > ${KSM.deploymentAvailable}${sel}) and (changes(${KSM.deploymentUpdated}${sel}[10m]) == 0)`,
      for: '15m',
      severity: 'warning',
      summary: 'Deployment has not matched the expected number of replicas.',
      description:
        'Deployment {{ $labels.namespace }}/{{ $labels.deployment }} has not matched the expected number of replicas for longer than 15 minutes.',
      series: [
        { series: `${KSM.deploymentReplicas}{${k(dep)}}`, values: '3x40' },
        { series: `${KSM.deploymentAvailable}{${k(dep)}}`, values: '3 3 2x40' },
        { series: `${KSM.deploymentUpdated}{${k(dep)}}`, values: '3x40' },
      ],
      activeFromMinute: 2,
      firingLabels: fired(dep),
    },
    {
      alert: 'KubeDeploymentRolloutStuck',
      expr: `${KSM.deploymentCondition}{condition="Progressing",status="false",${KSM_JOB}} != 0`,
      for: '15m',
      severity: 'warning',
      summary: 'Deployment rollout is not progressing.',
      description:
        'Rollout of deployment {{ $labels.namespace }}/{{ $labels.deployment }} is not progressing for longer than 15 minutes.',
      series: [
        {
          series: `${KSM.deploymentCondition}{${k({ ...dep, condition: 'Progressing', status: 'false' })}}`,
          values: '0 0 1x30',
        },
      ],
      activeFromMinute: 2,
      firingLabels: fired({ ...dep, condition: 'Progressing', status: 'false' }),
    },
    {
      alert: 'KubeStatefulSetReplicasMismatch',
      expr: `(${KSM.statefulSetReady}${sel} != ${KSM.statefulSetReplicas}${sel}) and (changes(${KSM.statefulSetUpdated}${sel}[10m]) == 0)`,
      for: '15m',
      severity: 'warning',
      summary: 'StatefulSet has not matched the expected number of replicas.',
      description:
        'StatefulSet {{ $labels.namespace }}/{{ $labels.statefulset }} has not matched the expected number of replicas for longer than 15 minutes.',
      series: [
        { series: `${KSM.statefulSetReplicas}{${k(sts)}}`, values: '3x40' },
        { series: `${KSM.statefulSetReady}{${k(sts)}}`, values: '3 3 2x40' },
        { series: `${KSM.statefulSetUpdated}{${k(sts)}}`, values: '3x40' },
      ],
      activeFromMinute: 2,
      firingLabels: fired(sts),
    },
    {
      alert: 'KubeStatefulSetUpdateNotRolledOut',
      expr: `(max by (namespace, statefulset, job) (${KSM.statefulSetCurrentRevision}${sel} unless ${KSM.statefulSetUpdateRevision}${sel}) * on (namespace, statefulset, job) (${KSM.statefulSetReplicas}${sel} != ${KSM.statefulSetUpdated}${sel})) and on (namespace, statefulset, job) (changes(${KSM.statefulSetUpdated}${sel}[5m]) == 0)`,
      for: '15m',
      severity: 'warning',
      summary: 'StatefulSet update has not been rolled out.',
      description:
        'StatefulSet {{ $labels.namespace }}/{{ $labels.statefulset }} update has not been rolled out.',
      series: [
        { series: `${KSM.statefulSetCurrentRevision}{${k({ ...sts, revision: 'r1' })}}`, values: '1x40' },
        { series: `${KSM.statefulSetUpdateRevision}{${k({ ...sts, revision: 'r1' })}}`, values: '1 1 stale' },
        { series: `${KSM.statefulSetUpdateRevision}{${k({ ...sts, revision: 'r2' })}}`, values: '_ _ 1x40' },
        { series: `${KSM.statefulSetReplicas}{${k(sts)}}`, values: '3x40' },
        { series: `${KSM.statefulSetUpdated}{${k(sts)}}`, values: '2x40' },
      ],
      activeFromMinute: 2,
      firingLabels: fired(sts),
    },
    {
      alert: 'KubeHpaMaxedOut',
      expr: `(${KSM.hpaCurrent}${sel} == ${KSM.hpaMax}${sel}) and on (namespace, horizontalpodautoscaler, job) (${KSM.hpaMax}${sel} != ${KSM.hpaMin}${sel})`,
      for: '15m',
      severity: 'warning',
      summary: 'HPA is running at max replicas',
      description:
        'HPA {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} has been running at max replicas for longer than 15 minutes: the tenant needs more than the inventory grants it.',
      series: [
        { series: `${KSM.hpaMin}{${k(hpa)}}`, values: '2x40' },
        { series: `${KSM.hpaMax}{${k(hpa)}}`, values: '5x40' },
        { series: `${KSM.hpaCurrent}{${k(hpa)}}`, values: '2 2 5x40' },
      ],
      activeFromMinute: 2,
      firingLabels: fired(hpa),
    },
    {
      alert: 'KubeHpaReplicasMismatch',
      expr: `(${KSM.hpaDesired}${sel} != ${KSM.hpaCurrent}${sel}) and (${KSM.hpaCurrent}${sel} > ${KSM.hpaMin}${sel}) and (${KSM.hpaCurrent}${sel} < ${KSM.hpaMax}${sel}) and changes(${KSM.hpaCurrent}${sel}[15m]) == 0`,
      for: '15m',
      severity: 'warning',
      summary: 'HPA has not matched desired number of replicas.',
      description:
        'HPA {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} has not matched the desired number of replicas for longer than 15 minutes.',
      series: [
        { series: `${KSM.hpaMin}{${k(hpa)}}`, values: '2x60' },
        { series: `${KSM.hpaMax}{${k(hpa)}}`, values: '5x60' },
        { series: `${KSM.hpaCurrent}{${k(hpa)}}`, values: '3x60' },
        { series: `${KSM.hpaDesired}{${k(hpa)}}`, values: '3 3 4x60' },
      ],
      activeFromMinute: 2,
      firingLabels: fired(hpa),
    },
    {
      alert: 'KubePdbNotEnoughHealthyPods',
      expr: `(${KSM.pdbDesired}${sel} - ${KSM.pdbCurrent}${sel}) > 0`,
      for: '15m',
      severity: 'warning',
      summary: 'PDB does not have enough healthy pods.',
      description:
        'PDB {{ $labels.namespace }}/{{ $labels.poddisruptionbudget }} expects more healthy pods than it has: a drain or an upgrade wave would now be refused.',
      series: [
        { series: `${KSM.pdbDesired}{${k({ poddisruptionbudget: 'b1' })}}`, values: '2x30' },
        { series: `${KSM.pdbCurrent}{${k({ poddisruptionbudget: 'b1' })}}`, values: '3 3 1x30' },
      ],
      activeFromMinute: 2,
      firingLabels: fired({ poddisruptionbudget: 'b1' }),
    },
  ];
}

/** Each quota's share used, per namespace and resource (kubernetes-mixin's), of the series `selector` picks. */
export function quotaShare(selector: string): string {
  const used = `max without (instance, job, type) (${KSM.quota}{${selector},type="used"})`;
  const hard = `max without (instance, job, type) (${KSM.quota}{${selector},type="hard"}) > 0`;
  return `${used} / on (namespace, resource, resourcequota) group_left () (${hard})`;
}

/** Quotas: almost full (info), fully used (info), exceeded (warning), as the mixin grades them. */
function quotaAlerts(add: Add, k: (labels: Readonly<Record<string, string>>) => string) {
  const share = quotaShare(KSM_JOB);
  const q = { resource: 'requests.cpu', resourcequota: 'requests' };
  for (const [alert, cmp, severity, summary, value, words] of [
    ['KubeQuotaAlmostFull', '> 0.9 < 1', 'info', 'Namespace quota is going to be full.', 95, 'over 90% of'],
    ['KubeQuotaFullyUsed', '== 1', 'info', 'Namespace quota is fully used.', 100, 'all of'],
    ['KubeQuotaExceeded', '> 1', 'warning', 'Namespace quota has exceeded the limits.', 110, 'more than'],
  ] as const)
    add({
      alert,
      expr: withOwner(`${share} ${cmp}`),
      for: '15m',
      severity,
      summary,
      description: `Namespace {{ $labels.namespace }} ({{ $labels.owner }}) is using ${words} its {{ $labels.resource }} quota.`,
      scenario: {
        series: [
          namespaceSeries('high'),
          { series: `${KSM.quota}{${k({ ...q, type: 'hard' })}}`, values: '100x30' },
          { series: `${KSM.quota}{${k({ ...q, type: 'used' })}}`, values: `50 50 ${value}x30` },
        ],
        activeFromMinute: 2,
        firingLabels: { namespace: NS, ...q, agency: 'a1', owner: 't1' },
      },
    });
}

/** Claimed volumes filling (storage_alerts.libsonnet): 3% free now (critical), 15% and out in 4 days. */
function storageAlerts(add: Add) {
  const vol = (m: string) => `${m}{${KUBELET_JOB}}`;
  const exempt = `unless on (namespace, persistentvolumeclaim) kube_persistentvolumeclaim_access_mode{access_mode="ReadOnlyMany"} == 1 unless on (namespace, persistentvolumeclaim) kube_persistentvolumeclaim_labels{label_excluded_from_alerts="true"} == 1`;
  const free = `${vol(KUBELET_VOLUME.available)} / ${vol(KUBELET_VOLUME.capacity)}`;
  const on = 'job="kubelet",namespace="ns1",persistentvolumeclaim="data-s1-0"';
  const firingLabels = { job: 'kubelet', namespace: NS, persistentvolumeclaim: 'data-s1-0' };
  add({
    alert: 'KubePersistentVolumeFillingUp',
    expr: `(${free}) < 0.03 and ${vol(KUBELET_VOLUME.used)} > 0 ${exempt}`,
    for: '1m',
    severity: 'critical',
    summary: 'PersistentVolume is filling up.',
    description:
      'The PersistentVolume claimed by {{ $labels.persistentvolumeclaim }} in Namespace {{ $labels.namespace }} is under 3% free.',
    scenario: {
      series: [
        { series: `${KUBELET_VOLUME.capacity}{${on}}`, values: '100x30' },
        { series: `${KUBELET_VOLUME.available}{${on}}`, values: '50 50 2x30' },
        { series: `${KUBELET_VOLUME.used}{${on}}`, values: '50 50 98x30' },
      ],
      activeFromMinute: 2,
      firingLabels,
    },
  });
  add({
    alert: 'KubePersistentVolumeFillingUp',
    expr: `(${free}) < 0.15 and ${vol(KUBELET_VOLUME.used)} > 0 and predict_linear(${vol(KUBELET_VOLUME.available)}[6h], 4 * 24 * 3600) < 0 ${exempt}`,
    for: '1h',
    severity: 'warning',
    summary: 'PersistentVolume is filling up.',
    description:
      'The PersistentVolume claimed by {{ $labels.persistentvolumeclaim }} in Namespace {{ $labels.namespace }} is under 15% free and expected to fill up within four days.',
    scenario: {
      // 14% free, losing 0.01% a minute: out in about 3 days, under 3% only after two
      series: [
        { series: `${KUBELET_VOLUME.capacity}{${on}}`, values: '10000x100' },
        { series: `${KUBELET_VOLUME.available}{${on}}`, values: '1400-1x100' },
        { series: `${KUBELET_VOLUME.used}{${on}}`, values: '8600+1x100' },
      ],
      activeFromMinute: 1,
      firingLabels,
    },
  });
  add({
    alert: 'CPUThrottlingHigh',
    expr: `sum without (id, metrics_path, name, image, endpoint, job, node) (increase(${CFS_THROTTLED}{container!="",${CADVISOR_JOB}}[5m])) / on (namespace, pod, container, instance) group_left () sum without (id, metrics_path, name, image, endpoint, job, node) (increase(${CFS_PERIODS}{${CADVISOR_JOB}}[5m])) > (25 / 100)`,
    for: '15m',
    severity: 'info',
    summary: 'Processes experience elevated CPU throttling.',
    description:
      'Container {{ $labels.container }} in pod {{ $labels.pod }} of namespace {{ $labels.namespace }} is throttled over 25% of its CPU periods: its CPU limit is too low for its load.',
    scenario: {
      series: [
        {
          series: `${CFS_PERIODS}{job="cadvisor",namespace="ns1",pod="p1",container="app",instance="n1"}`,
          values: '0+600x40',
        },
        {
          series: `${CFS_THROTTLED}{job="cadvisor",namespace="ns1",pod="p1",container="app",instance="n1"}`,
          values: '0+300x40',
        },
      ],
      activeFromMinute: 1,
      firingLabels: { namespace: NS, pod: 'p1', container: 'app', instance: 'n1' },
      slackMinutes: 1,
    },
  });
}

/** Nodes NotReady and unreachable (kubelet.libsonnet), by the criticality of the Node's pool. */
function nodeAlerts(add: Add, k: (labels: Readonly<Record<string, string>>) => string) {
  const node = (labels: Readonly<Record<string, string>>) => k(labels).replace(`,namespace="${NS}"`, '');
  const ignored =
    'ToBeDeletedByClusterAutoscaler|cloud.google.com/impending-node-termination|aws-node-termination-handler/spot-itn';
  for (const criticality of ['critical', 'high', 'normal'] as const) {
    const labelsSeries: TestSeries = {
      series: `${KSM.nodeLabels}{${node({ node: 'n1', [L('criticality')]: criticality, [L('pool')]: 'p1' })}}`,
      values: '1x40',
    };
    add({
      alert: 'KubeNodeNotReady',
      expr: withPool(
        `${KSM.nodeCondition}{${KSM_JOB},condition="Ready",status="true"} == 0 and on (node) ${KSM.nodeUnschedulable}{${KSM_JOB}} == 0`,
        criticality,
      ),
      for: '15m',
      severity: SEVERITY[criticality],
      labels: { criticality },
      summary: 'Node is not ready.',
      description: '{{ $labels.node }} of pool {{ $labels.pool }} has been unready for more than 15 minutes.',
      scenario: {
        series: [
          labelsSeries,
          {
            series: `${KSM.nodeCondition}{${node({ node: 'n1', condition: 'Ready', status: 'true' })}}`,
            values: '1 1 0x30',
          },
          { series: `${KSM.nodeUnschedulable}{${node({ node: 'n1' })}}`, values: '0x30' },
        ],
        activeFromMinute: 2,
        firingLabels: {
          job: 'kube-state-metrics',
          node: 'n1',
          condition: 'Ready',
          status: 'true',
          pool: 'p1',
        },
      },
    });
    add({
      alert: 'KubeNodeUnreachable',
      expr: withPool(
        `(${KSM.nodeTaint}{${KSM_JOB},key="node.kubernetes.io/unreachable",effect="NoSchedule"} unless ignoring (key, value) ${KSM.nodeTaint}{${KSM_JOB},key=~"${ignored}"}) == 1`,
        criticality,
      ),
      for: '15m',
      severity: SEVERITY[criticality],
      labels: { criticality },
      summary: 'Node is unreachable.',
      description:
        '{{ $labels.node }} of pool {{ $labels.pool }} is unreachable and some workloads may be rescheduled.',
      scenario: {
        series: [
          labelsSeries,
          {
            series: `${KSM.nodeTaint}{${node({ node: 'n1', key: 'node.kubernetes.io/unreachable', value: '', effect: 'NoSchedule' })}}`,
            values: '_ _ 1x30',
          },
        ],
        activeFromMinute: 2,
        firingLabels: {
          job: 'kube-state-metrics',
          node: 'n1',
          key: 'node.kubernetes.io/unreachable',
          effect: 'NoSchedule',
          pool: 'p1',
        },
      },
    });
  }
}

/** The kubelets and the API server: gone from Prometheus, and client certificates expiring. */
function controlPlaneAlerts(add: Add) {
  add({
    alert: 'KubeletDown',
    expr: `label_replace(cluster:kube_node_info:count > 0, "job", "kubelet", "", "") unless on () (job:up:sum{${KUBELET_JOB}} > 0)`,
    for: '15m',
    severity: 'critical',
    summary: 'Target disappeared from Prometheus target discovery.',
    description:
      'Every {{ $labels.job }} has disappeared from Prometheus target discovery, or none answers: Nodes go NotReady and no pod starts.',
    perTarget: false,
    scenario: {
      series: [
        { series: `${KSM.nodeInfo}{job="kube-state-metrics",node="n1"}`, values: '1x30' },
        { series: 'up{job="kubelet",instance="n1"}', values: '1 1 0x30' },
      ],
      activeFromMinute: 2,
      firingLabels: { job: 'kubelet' },
    },
  });
  add({
    alert: 'KubeAPIDown',
    // absent() of a comparison has no labels to name the job by: vector(1) named, unless it is up
    expr: `label_replace(vector(1), "job", "kube-apiserver", "", "") unless on () (job:up:sum{${APISERVER_JOB}} > 0)`,
    for: '15m',
    severity: 'critical',
    summary: 'Target disappeared from Prometheus target discovery.',
    description:
      '{{ $labels.job }} has disappeared from Prometheus target discovery, or does not answer: nothing in the cluster can change.',
    perTarget: false,
    scenario: {
      series: [{ series: 'up{job="kube-apiserver",instance="a1"}', values: '1 1 0x30' }],
      activeFromMinute: 2,
      firingLabels: { job: 'kube-apiserver' },
    },
  });
  const buckets = (expiry: number): TestSeries[] =>
    CLIENT_CERT_BUCKETS.map(String)
      .concat('+Inf')
      .map((le) => ({
        series: `${CLIENT_CERT_EXPIRATION}_bucket{job="kube-apiserver",instance="a1",le="${le}"}`,
        values: le === '+Inf' || expiry <= Number(le) ? '0+600x30' : '0x30',
      }))
      .concat({
        series: `${CLIENT_CERT_EXPIRATION}_count{job="kube-apiserver",instance="a1"}`,
        values: '0+600x30',
      });
  for (const [severity, seconds, expiry, words] of [
    ['warning', 604800, 3 * 86400, '7 days'],
    ['critical', 86400, 43200, '24 hours'],
  ] as const)
    add({
      alert: 'KubeClientCertificateExpiration',
      expr: `histogram_quantile(0.01, sum without (namespace, service, endpoint) (rate(${CLIENT_CERT_EXPIRATION}_bucket{${APISERVER_JOB}}[5m]))) < ${seconds} and on (job, instance) ${CLIENT_CERT_EXPIRATION}_count{${APISERVER_JOB}} > 0`,
      for: '5m',
      severity,
      summary: 'Client certificate is about to expire.',
      description: `A client certificate used to authenticate to {{ $labels.job }} ({{ $labels.instance }}) is expiring in less than ${words}.`,
      scenario: {
        series: buckets(expiry),
        activeFromMinute: 1,
        firingLabels: { job: 'kube-apiserver', instance: 'a1' },
        slackMinutes: 1,
        ...(severity === 'critical' ? { alsoFiring: [{ severity: 'warning' }] } : {}),
      },
    });
}
