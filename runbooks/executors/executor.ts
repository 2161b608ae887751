/**
 * What the upgrade runbook acts through. Every action is idempotent on the fleet itself, and
 * `state` reads what the engine checks before acting, so a resumed run repeats no effect.
 */
import { UserError } from '../../model/index.ts';

/**
 * What a version may be: it reaches remote shells, URLs and Prometheus label matchers, so it is
 * checked before anything runs (letters, digits and . _ + ~ -, at most 64).
 */
export const VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._+~-]{0,63}$/;

/** What an executor does to a server. */
export type FleetAction = 'cordon' | 'drain' | 'fence' | 'unfence' | 'upgrade' | 'reboot' | 'uncordon';

/**
 * The taint of Kubernetes' non-graceful node shutdown (GA in 1.28): on a node that does not
 * answer, its pods are deleted and their volumes detached, so they start on other nodes.
 */
export const OUT_OF_SERVICE_TAINT = 'node.kubernetes.io/out-of-service=nodeshutdown:NoExecute';

/** What the engine checks before a step. */
export interface ServerFacts {
  /** The version running now, and the one installed (they differ until a reboot). */
  readonly version: string;
  readonly installed: string;
  /** Changes at every boot: a reboot is known by it. */
  readonly bootId: string;
  readonly cordoned: boolean;
  /** Tainted out of service (OUT_OF_SERVICE_TAINT): Kubernetes keeps no pod on it. */
  readonly fenced: boolean;
  readonly up: boolean;
}

/** A cert-manager Certificate as its status says: when its certificate starts and ends (unix s). */
export interface CertificateFacts {
  readonly notBefore: number;
  readonly notAfter: number;
  /** The Secret it is kept in, which pods mount. */
  readonly secretName: string;
}

export type WorkloadKind = 'Deployment' | 'StatefulSet';

/** A workload whose pods mount a Secret, and when its pods were last restarted (unix s). */
export interface MountingWorkload {
  readonly kind: WorkloadKind;
  readonly name: string;
  readonly restartedAt: number | null;
}

/** What a runbook asks of the cluster's objects, and does to them. */
export type ClusterAction = 'renew-certificate' | 'restart';

export interface Executor {
  readonly name: string;
  /** The command line (or request) a step runs, as shown to the operator and journaled. */
  describe(step: FleetAction, server: string, version: string): string;
  facts(server: string): Promise<ServerFacts>;
  cordon(server: string): Promise<void>;
  drain(server: string): Promise<void>;
  /** Taints a server that does not answer out of service (OUT_OF_SERVICE_TAINT); it is cordoned. */
  fence(server: string): Promise<void>;
  /** Removes that taint; nothing to do when it has none. */
  unfence(server: string): Promise<void>;
  install(server: string, version: string): Promise<void>;
  reboot(server: string): Promise<void>;
  uncordon(server: string): Promise<void>;
  /** A cert-manager Certificate's facts, or null when there is none of that name. */
  certificate(namespace: string, name: string): Promise<CertificateFacts | null>;
  /** Has cert-manager issue it again now (what `cmctl renew` does). */
  renewCertificate(namespace: string, name: string): Promise<void>;
  /** The Deployments and StatefulSets of a namespace whose pods mount the Secret. */
  workloadsMounting(namespace: string, secretName: string): Promise<MountingWorkload[]>;
  /** Restarts a workload's pods, one by one as its strategy says (`kubectl rollout restart`). */
  restartWorkload(namespace: string, kind: WorkloadKind, name: string): Promise<void>;
  /** The command line (or request) of a cluster action, as shown and journaled. */
  describeCluster(action: ClusterAction, namespace: string, name: string, kind?: WorkloadKind): string;
}

/** An action failed (after its retries): the message says what was run and what it said. */
export class ExecutorError extends UserError {
  /** Exit 69: what acts on the fleet is missing or fails. */
  readonly exitCode = 69;
}
