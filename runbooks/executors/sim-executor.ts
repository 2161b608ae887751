/**
 * The `sim` executor: drives the fleet simulator's maintenance API (monitoring/simulator), the
 * same steps kubectl and ssh take on the real fleet. The simulator counts what it received.
 */
import {
  type CertificateFacts,
  type ClusterAction,
  type Executor,
  ExecutorError,
  type MountingWorkload,
  type ServerFacts,
  type WorkloadKind,
} from './executor.ts';

export class SimExecutor implements Executor {
  readonly name = 'sim';

  constructor(private readonly base: string) {}

  describeCluster(action: ClusterAction, namespace: string, name: string, kind?: WorkloadKind): string {
    return `POST ${this.base}${this.clusterPath(action, namespace, name, kind)}`;
  }

  private clusterPath(action: ClusterAction, namespace: string, name: string, kind?: WorkloadKind): string {
    const e = encodeURIComponent;
    return action === 'renew-certificate'
      ? `/fleet/certificates/${e(namespace)}/${e(name)}/renew`
      : `/fleet/workloads/${e(namespace)}/${e(kind ?? 'Deployment')}/${e(name)}/restart`;
  }

  describe(step: string, server: string, version: string): string {
    return `POST ${this.base}/fleet/servers/${server}/${step}${step === 'upgrade' ? ` {"version":"${version}"}` : ''}`;
  }

  private async call(
    method: 'GET' | 'POST',
    path: string,
    body?: object,
    /** Answered with null on 404 instead of failing (what asks whether something exists). */
    missing?: 'null',
  ): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(new URL(path, this.base), {
        method,
        headers: { 'content-type': 'application/json' },
        ...(method === 'POST' ? { body: JSON.stringify(body ?? {}) } : {}),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      throw new ExecutorError(
        `the fleet simulator at ${this.base} is unreachable (${e.cause?.code ?? e.message}); start it with: citycloud monitor up`,
      );
    }
    const text = await res.text();
    if (res.status === 404 && missing) return null;
    if (!res.ok)
      throw new ExecutorError(`${method} ${path}: HTTP ${res.status} ${text.trim().slice(0, 200)}`);
    return JSON.parse(text);
  }

  async facts(server: string): Promise<ServerFacts> {
    return (await this.call('GET', `/fleet/servers/${encodeURIComponent(server)}`)) as ServerFacts;
  }

  private async act(server: string, action: string, body?: object): Promise<void> {
    await this.call('POST', `/fleet/servers/${encodeURIComponent(server)}/${action}`, body);
  }

  cordon(server: string) {
    return this.act(server, 'cordon');
  }
  drain(server: string) {
    return this.act(server, 'drain');
  }
  install(server: string, version: string) {
    return this.act(server, 'upgrade', { version });
  }
  reboot(server: string) {
    return this.act(server, 'reboot');
  }
  fence(server: string) {
    return this.act(server, 'fence');
  }
  unfence(server: string) {
    return this.act(server, 'unfence');
  }
  uncordon(server: string) {
    return this.act(server, 'uncordon');
  }
  async certificate(namespace: string, name: string): Promise<CertificateFacts | null> {
    const e = encodeURIComponent;
    return (await this.call(
      'GET',
      `/fleet/certificates/${e(namespace)}/${e(name)}`,
      undefined,
      'null',
    )) as CertificateFacts | null;
  }
  async renewCertificate(namespace: string, name: string): Promise<void> {
    await this.call('POST', this.clusterPath('renew-certificate', namespace, name));
  }
  async workloadsMounting(namespace: string, secretName: string): Promise<MountingWorkload[]> {
    const e = encodeURIComponent;
    return (await this.call(
      'GET',
      `/fleet/workloads/${e(namespace)}?secret=${e(secretName)}`,
    )) as MountingWorkload[];
  }
  async restartWorkload(namespace: string, kind: WorkloadKind, name: string): Promise<void> {
    await this.call('POST', this.clusterPath('restart', namespace, name, kind));
  }
}
