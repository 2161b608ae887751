/**
 * Installs the system tools the tests drive for real, when they are missing: Debian's Chromium
 * for the HTML pages, Prometheus's promtool, amtool, blackbox_exporter and node_exporter for the
 * monitoring config and rules, PostgreSQL and OpenSSH for the runbooks. Runs before `npm test`; needs root and apt-get, and says so when it cannot.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

interface Tool {
  /** What the tests look for. */
  readonly path: string;
  /** The Debian package that provides it. */
  readonly apt: string;
  readonly why: string;
}

export const TEST_TOOLS: readonly Tool[] = [
  { path: '/usr/bin/chromium', apt: 'chromium', why: 'the HTML pages are tested in headless Chromium' },
  {
    path: '/usr/bin/promtool',
    apt: 'prometheus',
    why: 'the Prometheus config and rules are checked by promtool',
  },
  {
    path: '/usr/bin/amtool',
    apt: 'prometheus-alertmanager',
    why: 'the Alertmanager config is checked by amtool',
  },
  {
    path: '/usr/bin/prometheus-blackbox-exporter',
    apt: 'prometheus-blackbox-exporter',
    why: 'the blackbox config is checked by blackbox_exporter',
  },
  {
    path: '/usr/bin/prometheus-node-exporter',
    apt: 'prometheus-node-exporter',
    why: 'the pool rules are checked on a real node_exporter',
  },
  {
    path: '/usr/lib/postgresql/*/bin/pg_ctl',
    apt: 'postgresql',
    why: 'the runbooks’ PostgreSQL store is tested against a throw-away cluster',
  },
  {
    path: '/usr/sbin/sshd',
    apt: 'openssh-server',
    why: 'the kubectl-ssh executor runs its ssh step against a local sshd',
  },
  { path: '/usr/bin/ssh', apt: 'openssh-client', why: 'the kubectl-ssh executor runs ssh' },
  {
    path: '/usr/bin/ssh-keygen',
    apt: 'openssh-client',
    why: 'review evidence is signed and verified with ssh-keygen -Y',
  },
  {
    path: '/usr/bin/unzip',
    apt: 'unzip',
    why: 'kubectl is unpacked from the npm kubectl layer to check its command lines',
  },
];

/** Whether a tool's path exists; a `*` stands for one folder name (a version). */
function present(path: string): boolean {
  const star = path.indexOf('*');
  if (star < 0) return existsSync(path);
  const parent = path.slice(0, star);
  const rest = path.slice(star + 1);
  if (!existsSync(parent)) return false;
  return readdirSync(parent).some((name) => existsSync(`${parent}${name}${rest}`));
}

/** The tools missing, named with what each is for. */
const named = (tools: readonly Tool[]) => tools.map((t) => `${t.path} (${t.why})`).join(', ');
const underCi = process.env.CI === 'true';

const missing = TEST_TOOLS.filter((t) => !present(t.path));
if (missing.length > 0) {
  const packages = [...new Set(missing.map((t) => t.apt))];
  const canInstall = process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v apt-get']).status === 0;
  if (canInstall) {
    console.error(
      `citycloud tests: installing ${packages.join(', ')} with apt-get (${missing.map((t) => t.why).join('; ')})…`,
    );
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const run = (args: string[]) => spawnSync('apt-get', args, { stdio: 'inherit', env }).status === 0;
    if (run(['update', '-qq'])) run(['install', '-y', '-qq', '--no-install-recommends', ...packages]);
  }
  const still = missing.filter((t) => !present(t.path));
  if (still.length > 0) {
    const install = `sudo apt-get install -y ${[...new Set(still.map((t) => t.apt))].join(' ')}`;
    if (underCi) {
      // a CI run never passes without the suites these tools drive
      console.error(`citycloud tests: CI=true and missing ${named(still)}; install with: ${install}`);
      process.exit(1);
    }
    console.error(
      `citycloud tests: missing ${named(still)}; install with: ${install} — the suites that need them will be skipped, and listed at the end`,
    );
  }
}
