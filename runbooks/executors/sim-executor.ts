/**
 * The `sim` executor: drives the fleet simulator's maintenance API (monitoring/simulator), the
 * same steps kubectl and ssh take on the real fleet. The simulator counts what it received.
 */
import { type Executor, ExecutorError, type ServerFacts } from './executor.ts';

export class SimExecutor implements Executor {
  readonly name = 'sim';

  constructor(private readonly base: string) {}

  describe(step: string, server: string, version: string): string {
    return `POST ${this.base}/fleet/servers/${server}/${step}${step === 'upgrade' ? ` {"version":"${version}"}` : ''}`;
  }

  private async call(method: 'GET' | 'POST', path: string, body?: object): Promise<unknown> {
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
}
