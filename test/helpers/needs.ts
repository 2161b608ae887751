/**
 * The real tools the integration suites drive, each with where to get it. A suite names what it
 * needs (`describeWith`); without it, the suite is skipped and named at the end of the run with
 * what was missing (test/helpers/skipped-suites.ts) — or, under CI (`CI=true`), it fails, naming
 * the tool: a CI run never passes without its integration suites.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';
import { describe, it } from 'vitest';
import { CHROMIUM } from './chromium.ts';
import { postgresBin } from './postgres.ts';
import { AMTOOL, BLACKBOX, PROMTOOL } from './tools.ts';

export interface Need {
  /** What is missing, as a person would look for it. */
  readonly what: string;
  readonly present: boolean;
  /** How to get it. */
  readonly get: string;
}

const onPath = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
const root = process.getuid?.() === 0;

export const PROMETHEUS_TOOLS: Need = {
  what: 'promtool, amtool and blackbox_exporter',
  present: [PROMTOOL, AMTOOL, BLACKBOX].every(existsSync),
  get: 'apt-get install prometheus prometheus-alertmanager prometheus-blackbox-exporter',
};
export const LOCAL_STACK: Need = {
  what: 'Prometheus and Alertmanager',
  present:
    PROMETHEUS_TOOLS.present && ['/usr/bin/prometheus', '/usr/bin/prometheus-alertmanager'].every(existsSync),
  get: 'apt-get install prometheus prometheus-alertmanager prometheus-blackbox-exporter',
};
export const NODE_EXPORTER_TOOL: Need = {
  what: 'node_exporter',
  present: existsSync('/usr/bin/prometheus-node-exporter'),
  get: 'apt-get install prometheus-node-exporter',
};
export const CHROMIUM_BROWSER: Need = {
  what: 'Chromium',
  present: existsSync(CHROMIUM),
  get: 'apt-get install chromium',
};
export const POSTGRES: Need = {
  what: 'the PostgreSQL server, its postgres user and root to run it',
  present: postgresBin() !== null && spawnSync('id', ['-u', 'postgres']).status === 0 && root,
  get: 'apt-get install postgresql, as root',
};
export const SSHD: Need = {
  what: 'sshd and ssh-keygen, and root to run sshd',
  present: existsSync('/usr/sbin/sshd') && existsSync('/usr/bin/ssh-keygen') && root,
  get: 'apt-get install openssh-server openssh-client, as root',
};
export const SSH_KEYGEN: Need = {
  what: 'ssh-keygen',
  present: onPath('ssh-keygen'),
  get: 'apt-get install openssh-client',
};
export const TERRAFORM: Need = {
  what: 'terraform',
  present: onPath('terraform'),
  get: 'install Terraform 1.11 on the PATH',
};
export const SCRIPT: Need = {
  what: 'script (a terminal for a command)',
  present: existsSync('/usr/bin/script'),
  get: 'apt-get install bsdutils',
};

export const TMPFS: Need = {
  what: 'a tmpfs at /dev/shm (it lists a folder in the order its files were written)',
  present: existsSync('/dev/shm'),
  get: 'mount -t tmpfs tmpfs /dev/shm',
};

/** What of `needs` is missing, in one line; null when nothing is. */
function missing(needs: readonly Need[]): string | null {
  const gone = needs.filter((n) => !n.present);
  return gone.length === 0 ? null : `missing ${gone.map((n) => `${n.what} (${n.get})`).join(', ')}`;
}

/** Skips `name` for want of `why`, recording it for the run's end; under CI, fails it instead. */
function refuse(name: string, why: string, define: (name: string, fn: () => void) => void): void {
  if (process.env.CI === 'true') {
    define(name, () => {
      throw new Error(`${why}: under CI=true no suite is skipped`);
    });
    return;
  }
  const file = process.env.CITYCLOUD_SKIPPED_FILE;
  if (file) appendFileSync(file, `${name}: ${why}\n`);
}

/** A suite that drives real tools: run when they are all here. */
export function describeWith(needs: readonly Need[], name: string, fn: () => void): void {
  const why = missing(needs);
  if (why === null) {
    describe(name, fn);
    return;
  }
  refuse(name, why, (n, f) => describe(n, () => it('has the tools it drives', f)));
  if (process.env.CI !== 'true') describe.skip(name, fn);
}

/** One test that drives real tools: run when they are all here. */
export function itWith(
  needs: readonly Need[],
  name: string,
  fn: () => Promise<void> | void,
  timeout?: number,
): void {
  const why = missing(needs);
  if (why === null) {
    it(name, fn, timeout);
    return;
  }
  refuse(name, why, (n, f) => it(n, f));
  if (process.env.CI !== 'true') it.skip(name, fn);
}
