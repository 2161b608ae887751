/**
 * Installs the system tools the tests drive for real, when they are missing: Debian's Chromium
 * for the HTML pages, Prometheus's promtool, amtool and blackbox_exporter for the monitoring
 * config. Runs before `npm test`; needs root and apt-get, and says so when it cannot.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

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
];

const missing = TEST_TOOLS.filter((t) => !existsSync(t.path));
if (missing.length > 0) {
  const packages = missing.map((t) => t.apt);
  const canInstall = process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v apt-get']).status === 0;
  if (!canInstall) {
    console.error(
      `citycloud tests: missing ${missing.map((t) => `${t.path} (${t.why})`).join(', ')}; install with: sudo apt-get install -y ${packages.join(' ')} — the tests that need them will be skipped`,
    );
  } else {
    console.error(
      `citycloud tests: installing ${packages.join(', ')} with apt-get (${missing.map((t) => t.why).join('; ')})…`,
    );
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
      stdio: 'inherit',
      env,
    });
  }
}
