/**
 * The cluster's cert-manager Certificates and the workloads that mount their Secrets, as the
 * fleet simulator keeps them: registered by whoever sets up the simulated world (a test, as a
 * fault is injected), renewed and restarted by what a runbook does through the `sim` executor,
 * and served as cert-manager's controller exports their expiry
 * (`certmanager_certificate_expiration_timestamp_seconds`). It counts what it received.
 */

/** What the simulator answers of a Certificate and of a workload (the sim executor reads them). */
export interface CertificateFacts {
  readonly notBefore: number;
  readonly notAfter: number;
  readonly secretName: string;
}
export type WorkloadKind = 'Deployment' | 'StatefulSet';
export interface MountingWorkload {
  readonly kind: WorkloadKind;
  readonly name: string;
  readonly restartedAt: number | null;
}

/** How long cert-manager's certificates last (its default duration): 90 days. */
export const CERTIFICATE_DAYS = 90;
const DAY = 86_400;
const NAME = /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/;

interface Certificate {
  notBefore: number;
  notAfter: number;
  readonly secretName: string;
  renewals: number;
}

interface Workload {
  readonly kind: WorkloadKind;
  readonly name: string;
  readonly secrets: readonly string[];
  restartedAt: number | null;
  restarts: number;
}

/** What a test registers: a Certificate, when it ends, and the workloads mounting its Secret. */
export interface CertificateSpec {
  readonly namespace: string;
  readonly name: string;
  readonly secretName: string;
  readonly expiresInDays: number;
  readonly workloads: readonly { readonly kind: WorkloadKind; readonly name: string }[];
}

export class ClusterCertificates {
  private readonly certificates = new Map<string, Certificate>();
  private readonly workloads = new Map<string, Workload[]>();

  constructor(private readonly now: () => number) {}

  /** Registers a Certificate and its workloads; throws RangeError on what a cluster would refuse. */
  add(spec: CertificateSpec): void {
    for (const n of [spec.namespace, spec.name, spec.secretName, ...spec.workloads.map((w) => w.name)])
      if (typeof n !== 'string' || !NAME.test(n))
        throw new RangeError(`${JSON.stringify(n)} is not a Kubernetes name`);
    if (!(typeof spec.expiresInDays === 'number' && Number.isFinite(spec.expiresInDays)))
      throw new RangeError('expiresInDays must be a number of days');
    const t = this.now();
    const notAfter = t + spec.expiresInDays * DAY;
    this.certificates.set(`${spec.namespace}/${spec.name}`, {
      notBefore: notAfter - CERTIFICATE_DAYS * DAY,
      notAfter,
      secretName: spec.secretName,
      renewals: 0,
    });
    const list = this.workloads.get(spec.namespace) ?? [];
    for (const w of spec.workloads) {
      if (w.kind !== 'Deployment' && w.kind !== 'StatefulSet')
        throw new RangeError(`kind ${JSON.stringify(w.kind)}: expected Deployment or StatefulSet`);
      const known = list.find((x) => x.kind === w.kind && x.name === w.name);
      if (known) (known.secrets as string[]).push(spec.secretName);
      else
        list.push({ kind: w.kind, name: w.name, secrets: [spec.secretName], restartedAt: null, restarts: 0 });
    }
    this.workloads.set(spec.namespace, list);
  }

  certificate(namespace: string, name: string): CertificateFacts | null {
    const c = this.certificates.get(`${namespace}/${name}`);
    return c ? { notBefore: c.notBefore, notAfter: c.notAfter, secretName: c.secretName } : null;
  }

  /** cert-manager issues it again: a new certificate from now, for its duration. */
  renew(namespace: string, name: string): CertificateFacts {
    const c = this.certificates.get(`${namespace}/${name}`);
    if (!c) throw new RangeError(`no certificate ${namespace}/${name}`);
    c.notBefore = this.now();
    c.notAfter = c.notBefore + CERTIFICATE_DAYS * DAY;
    c.renewals++;
    return this.certificate(namespace, name) as CertificateFacts;
  }

  mounting(namespace: string, secretName: string): MountingWorkload[] {
    return (this.workloads.get(namespace) ?? [])
      .filter((w) => w.secrets.includes(secretName))
      .map((w) => ({ kind: w.kind, name: w.name, restartedAt: w.restartedAt }));
  }

  restart(namespace: string, kind: string, name: string): MountingWorkload {
    const w = (this.workloads.get(namespace) ?? []).find((x) => x.kind === kind && x.name === name);
    if (!w) throw new RangeError(`no ${kind} ${namespace}/${name}`);
    w.restartedAt = this.now();
    w.restarts++;
    return { kind: w.kind, name: w.name, restartedAt: w.restartedAt };
  }

  /** What the cluster received: renewals per Certificate, restarts per workload (`ns/Kind/name`). */
  record(): { renewals: Record<string, number>; restarts: Record<string, number> } {
    const renewals: Record<string, number> = {};
    for (const [k, c] of [...this.certificates].sort()) if (c.renewals > 0) renewals[k] = c.renewals;
    const restarts: Record<string, number> = {};
    for (const [ns, list] of [...this.workloads].sort())
      for (const w of list) if (w.restarts > 0) restarts[`${ns}/${w.kind}/${w.name}`] = w.restarts;
    return { renewals, restarts };
  }

  /** cert-manager's controller metrics: each Certificate's expiry, as it exports it. */
  metrics(): string {
    const lines = [
      '# HELP certmanager_certificate_expiration_timestamp_seconds The date after which the certificate expires. Expressed as a Unix Epoch Time.',
      '# TYPE certmanager_certificate_expiration_timestamp_seconds gauge',
    ];
    for (const [key, c] of [...this.certificates].sort()) {
      const [namespace, name] = key.split('/') as [string, string];
      lines.push(
        `certmanager_certificate_expiration_timestamp_seconds{issuer_group="cert-manager.io",issuer_kind="ClusterIssuer",issuer_name="city-ca",name="${name}",namespace="${namespace}"} ${c.notAfter}`,
      );
    }
    return `${lines.join('\n')}\n`;
  }
}
