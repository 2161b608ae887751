/**
 * A warehouse's scheduled restore drill: the CronJob `<warehouse>-restore-drill` in its namespace
 * runs `citycloud runbook restore-drill --executor kubectl --warehouse <id> --scheduled` from the
 * citycloud image on the promise's `drill` schedule (in UTC, the CronJob's clock), never two at
 * once, and never retried (a failed drill is a result). Its last result is kube-state-metrics'
 * `kube_cronjob_status_last_successful_time{namespace,cronjob}` and `kube_job_status_failed`.
 *
 * What the drill does through kubectl (runbooks/drill/kubectl-drill.ts), and so what its
 * ServiceAccount `<warehouse>-restore-drill` may do — nothing more:
 * - read the warehouse's backup Secret (`<warehouse>-backup-credentials`, by name: a Role), and
 *   off-site its backup agent's certificate (`<warehouse>-backup-agent`), which the copy's agent
 *   signs with;
 * - find a shard's leader and run psql in it, or clickhouse-client in a ClickHouse replica
 *   (pods get/list and pods/exec in the warehouse's namespace, a Role; the admission policy below
 *   confines exec there to the shards' pods, `<shard>-<ordinal>`);
 * - apply, server-side, a scratch namespace `warehouse-<id>-drill-sNN` holding a deny-all
 *   NetworkPolicy, a copy of the Secret, a ServiceAccount, the Role and RoleBinding Patroni needs
 *   there and a one-pod StatefulSet (ClickHouse: the server's ConfigMap and headless Service, and
 *   the restore Job), and the Role and RoleBinding `drill-operator` by which this account reads
 *   there (its pod, its Job and their logs, exec into it); delete the namespace. RBAC cannot name
 *   what does not exist yet, so the writes are a ClusterRole bound cluster-wide, and a
 *   ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1, Kubernetes ≥ 1.30) refuses every
 *   write and exec of this account outside exactly those namespace names and the shards' pods.
 *   The Roles it makes there grant what it does not hold (`escalate` and `bind` on Roles): so the
 *   ClusterRole reads nothing but namespaces' names — no pod, ConfigMap, Job, log or Secret of any
 *   other namespace.
 */
import { ClusterRoleBindingV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-binding-v1/index.js';
import { ClusterRoleV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-v1/index.js';
import { CronJobV1 } from '@cdktf/provider-kubernetes/lib/cron-job-v1/index.js';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest/index.js';
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1/index.js';
import { RoleBindingV1 } from '@cdktf/provider-kubernetes/lib/role-binding-v1/index.js';
import { RoleV1 } from '@cdktf/provider-kubernetes/lib/role-v1/index.js';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1/index.js';
import { Construct } from 'constructs';
import { backupAgentSecret } from '../../model/backup-target.ts';
import { restoreDrillName, utcSchedule, warehouseNamespace } from '../../model/index.ts';
import { sidecarResources } from './backup-pod.ts';
import { backupCredentialsSecret } from './backup-target.ts';
import type { WarehouseScope } from './warehouse-scope.ts';

/**
 * The citycloud command line's image, built by this project (its release builds the image from
 * this repository with the city's inventory in it, and writes the digest here): a digest, never a
 * moving tag, for a job that holds these rights. Until a release writes it, the zero digest
 * cannot be pulled: the drill fails closed, and its alert says so.
 */
export const CITYCLOUD_IMAGE = `registry.hcmc.gov.vn/platform/citycloud:0.1.0@sha256:${'0'.repeat(64)}`;

/** The drill's CronJob and ServiceAccount: `<warehouse>-restore-drill` (the model's name, which the drill's scratch places bind). */
export { restoreDrillName };

/** The prefix of a drill's scratch namespaces (runbooks/drill/kubectl-drill.ts scratchNamespace). */
export const drillNamespacePrefix = (warehouse: string) => `${warehouseNamespace(warehouse)}-drill-`;

export interface RestoreDrillProps {
  /** The warehouse, in its pool; its promise's `drill` is the schedule. */
  readonly scope: WarehouseScope;
  /**
   * The citycloud image.
   * @default CITYCLOUD_IMAGE
   */
  readonly image?: string;
}

export class RestoreDrill extends Construct {
  readonly image: string;

  constructor(scope: Construct, id: string, props: RestoreDrillProps) {
    super(scope, id);
    this.image = props.image ?? CITYCLOUD_IMAGE;
    const ws = props.scope;
    const w = ws.warehouse;
    const drill = w.backup.drill;
    if (drill === null) throw new Error(`warehouse ${w.id} promises no restore drill`);
    const schedule = utcSchedule(drill);
    // CC025 refuses a schedule UTC cannot say: a model that reaches here has none
    if (schedule === null) throw new Error(`restore drill schedule ${drill} has no UTC equivalent`);
    const name = restoreDrillName(w.id);
    const labels = { [`${ws.labelPrefix}/backup-job`]: 'restore-drill' };
    const meta = ws.metadata(name, labels);
    const account = `system:serviceaccount:${ws.namespace}:${name}`;
    const clusterName = `citycloud-${name}`;
    const prefix = drillNamespacePrefix(w.id);
    const scratch = `^${prefix}s[0-9]+$`;

    new ServiceAccountV1(this, 'account', { metadata: meta }).overrideLogicalId(name);
    // in the warehouse's namespace: its backup Secret, by name, and its shards' pods, to find a
    // leader or a replica and read or mark the source through it
    new RoleV1(this, 'role', {
      metadata: meta,
      rule: [
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
        // kubectl's exec is a create, or a get over WebSocket
        { apiGroups: [''], resources: ['pods/exec'], verbs: ['create', 'get'] },
        {
          apiGroups: [''],
          resources: ['secrets'],
          // off-site, the backup agent's certificate too: the copy runs the shard's agent
          resourceNames: [
            backupCredentialsSecret(w.id),
            ...(w.backupTo === 'offsite' ? [backupAgentSecret(w.id)] : []),
          ],
          verbs: ['get'],
        },
      ],
    }).overrideLogicalId(name);
    new RoleBindingV1(this, 'binding', {
      metadata: meta,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subject: [{ kind: 'ServiceAccount', name, namespace: ws.namespace }],
    }).overrideLogicalId(name);

    // Cluster-wide, because the scratch namespaces do not exist yet: only writes (which the
    // admission policy below confines to those namespaces) and namespaces' own names and labels.
    // No read of another namespace's pods, ConfigMaps, Jobs or logs: what the drill reads in its
    // scratch place, it grants itself there (runbooks/drill/scratch-store.ts: the Role and
    // RoleBinding `drill-operator`), as it grants Patroni what it needs — `escalate` and `bind` on
    // Roles, so it need not hold those rights everywhere to grant them in its own namespaces.
    const apply = ['create', 'patch'];
    new ClusterRoleV1(this, 'cluster-role', {
      metadata: { name: clusterName, labels: meta.labels },
      rule: [
        { apiGroups: [''], resources: ['namespaces'], verbs: ['get', ...apply, 'delete'] },
        {
          apiGroups: [''],
          resources: ['secrets', 'serviceaccounts', 'configmaps', 'services'],
          verbs: apply,
        },
        { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: apply },
        {
          apiGroups: ['rbac.authorization.k8s.io'],
          resources: ['roles'],
          verbs: [...apply, 'escalate', 'bind'],
        },
        { apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings'], verbs: apply },
        { apiGroups: ['apps'], resources: ['statefulsets'], verbs: apply },
        { apiGroups: ['batch'], resources: ['jobs'], verbs: apply },
      ],
    }).overrideLogicalId(clusterName);
    new ClusterRoleBindingV1(this, 'cluster-binding', {
      metadata: { name: clusterName, labels: meta.labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterName },
      subject: [{ kind: 'ServiceAccount', name, namespace: ws.namespace }],
    }).overrideLogicalId(clusterName);

    // the writes and execs of the account, only in its scratch namespaces and the shards' pods
    const objectName =
      '(object != null && has(object.metadata) && has(object.metadata.name) ? object.metadata.name : request.name)';
    new Manifest(this, 'admission-policy', {
      manifest: {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicy',
        metadata: { name: clusterName, labels: meta.labels },
        spec: {
          failurePolicy: 'Fail',
          matchConstraints: {
            resourceRules: [
              {
                apiGroups: ['*'],
                apiVersions: ['*'],
                operations: ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'],
                resources: ['*', '*/*'],
              },
            ],
          },
          matchConditions: [
            { name: 'restore-drill-account', expression: `request.userInfo.username == '${account}'` },
          ],
          validations: [
            {
              expression: [
                // exactly a scratch name of this warehouse's shards: a prefix would reach the
                // scratch namespaces of a warehouse whose id begins with this one's and -drill
                `request.namespace.matches('${scratch}')`,
                `(request.resource.resource == 'namespaces' && ${objectName}.matches('${scratch}'))`,
                `(request.namespace == '${ws.namespace}' && request.resource.resource == 'pods' && request.subResource == 'exec' && request.name.matches('^${w.id}-s[0-9]+-[0-9]+$'))`,
              ].join(' || '),
              message: `the restore drill of ${w.id} may change only namespaces ${prefix}sNN, and exec only there and into the shards' pods`,
            },
          ],
        },
      },
    }).overrideLogicalId(clusterName);
    new Manifest(this, 'admission-binding', {
      manifest: {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicyBinding',
        metadata: { name: clusterName, labels: meta.labels },
        spec: { policyName: clusterName, validationActions: ['Deny'] },
      },
    }).overrideLogicalId(`${clusterName}-binding`);

    // the drill's pod talks to the Kubernetes API, nothing else (the warehouse denies by default)
    new NetworkPolicyV1(this, 'policy', {
      metadata: ws.metadata(`${name}-egress`, labels),
      spec: {
        podSelector: { matchLabels: { ...ws.base, ...labels } },
        policyTypes: ['Egress'],
        egress: [
          {
            ports: [
              { port: '443', protocol: 'TCP' },
              { port: '6443', protocol: 'TCP' },
            ],
          },
        ],
      },
    }).overrideLogicalId(`${name}-egress`);

    new CronJobV1(this, 'cron-job', {
      metadata: meta,
      spec: {
        schedule,
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 3600,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          metadata: { labels: meta.labels },
          spec: {
            // a failed drill is a result, reported and alerted on; it is not run again at once
            backoffLimit: 0,
            activeDeadlineSeconds: 24 * 3600,
            template: {
              metadata: { labels: meta.labels },
              spec: {
                serviceAccountName: name,
                restartPolicy: 'Never',
                container: [
                  {
                    name: 'restore-drill',
                    image: this.image,
                    // --scheduled: approved by the promise's drill schedule, reviewed with the
                    // inventory (scripts/commands/runbook/restore-drill.ts); there is no --yes
                    args: [
                      'runbook',
                      'restore-drill',
                      '--executor',
                      'kubectl',
                      '--warehouse',
                      w.id,
                      '--scheduled',
                    ],
                    resources: sidecarResources('500m', '512Mi'),
                  },
                ],
              },
            },
          },
        },
      },
    }).overrideLogicalId(name);
  }
}
