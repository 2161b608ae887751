/**
 * An ops team's own runbook, in `runbooks/` beside a test inventory: listed, checked when loaded,
 * dry-run (nothing runs), run (commands quoted by zx, journaled with the secret redacted), and
 * killed with `kill -9` at 20 moments, each followed by `runbook resume`: every step's effect
 * (a folder `mkdir` makes, which fails if it is there) made exactly once.
 */

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, smallCity, tempDir, writeCity } from '../helpers/city.ts';
import { prng, spawnCli } from '../helpers/local-fleet.ts';

const SECRET = 'tok-9f8e7d6c5b';
const HOSTILE = 'a; touch /tmp/citycloud-own-runbook-pwned';

/** A runbook making a folder per target and step; each step's effect is that folder. */
const runbook = (targets: number, pause = '0') => `
import { existsSync } from 'node:fs';
import type { Runbook } from 'citycloud/runbook';

const made = (dir: string, id: string, step: string) => existsSync(\`\${dir}/\${id.replace(/[^a-z0-9]/g, '_')}-\${step}\`);

export default {
  name: 'make-folders',
  description: 'makes a folder per target and step',
  params: {
    dir: { description: 'where the folders go' },
    token: { description: 'a credential the commands pass', secret: true },
  },
  window: 'any',
  plan: () => {
    const ids = [${JSON.stringify(HOSTILE)}, ...Array.from({ length: ${targets - 1} }, (_, i) => \`t\${String(i).padStart(2, '0')}\`)];
    return [ids.slice(0, 2).map((id) => ({ id })), ids.slice(2).map((id) => ({ id }))];
  },
  steps: ['first', 'second', 'third'].map((step) => ({
    name: step,
    done: (t: { id: string }, { params }: { params: Record<string, unknown> }) => made(String(params.dir), t.id, step),
    run: async (t: { id: string }, { $, params }: { $: any; params: Record<string, unknown> }) => {
      await $\`sleep ${pause}\`;
      await $\`echo \${t.id}\`;
      await $\`mkdir \${\`\${params.dir}/\${t.id.replace(/[^a-z0-9]/g, '_')}-\${step}\`}\`;
      await $\`test \${params.token} = ${SECRET}\`;
    },
  })),
} satisfies Runbook;
`;

/** A test inventory with its runbooks folder; returns the inventory file. */
function inventoryWith(files: Record<string, string>): string {
  const inventory = writeCity({ 'city.yaml': smallCity() });
  const dir = join(inventory, '..', 'runbooks');
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return inventory;
}

/**
 * Starts make-folders (approved, into `out`) and has it kill itself with SIGKILL right after the
 * first action of step `crashAt` (CITYCLOUD_CRASH_AFTER); returns its run id.
 */
async function killedRun(
  what: string,
  out: string,
  common: readonly string[],
  crashAt: string,
): Promise<string> {
  const cli = spawnCli(
    [
      'runbook',
      'run',
      what,
      '--param',
      `dir=${out}`,
      '--param',
      `token=${SECRET}`,
      '--approved-by',
      'lan',
      ...common,
    ],
    { CITYCLOUD_CRASH_AFTER: crashAt },
  );
  expect((await cli.exited).signal).toBe('SIGKILL');
  const runs = common[common.indexOf('--runs-dir') + 1] as string;
  return readdirSync(runs).find((f) => f.startsWith('make-folders-')) as string;
}

describe('the README’s example runbook', () => {
  const example = () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    return (
      /```ts\n(\/\/ runbooks\/drain-hub-servers\.ts\n[\s\S]*?)```/.exec(readme) as string[]
    )[1] as string;
  };

  it('is the example in the sources, which npm run typecheck checks against the authoring API', () => {
    // runbooks/examples/ is in tsconfig's include, `citycloud/runbook` one of its paths
    expect(example()).toBe(readFileSync(join(ROOT, 'runbooks/examples/drain-hub-servers.ts'), 'utf8'));
  });

  it('dry-runs on the small city: every server of the rack cordoned and drained, in waves', () => {
    const inventory = inventoryWith({ 'drain-hub-servers.ts': example() });
    const r = runCli([
      'runbook',
      'run',
      'drain-hub-servers',
      '--inventory',
      inventory,
      '--param',
      'rack=dc1-h1-r01-k01',
      '--dry-run',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const cordoned = [...r.stdout.matchAll(/cordon: \$ kubectl --context city cordon (\S+)/g)].map(
      (m) => m[1],
    );
    expect(cordoned.sort()).toEqual(
      ['u01', 'u02', 'u03', 'u04', 'u10', 'u12'].map((u) => `dc1-h1-r01-k01-${u}`),
    );
    expect(
      r.stdout.match(
        /drain: \$ kubectl --context city drain \S+ --ignore-daemonsets --delete-emptydir-data/g,
      ),
    ).toHaveLength(6);
  });
});

describe('an inventory’s own runbook', () => {
  it('is listed with its parameters; one that cannot be a runbook is named in one line (exit 2)', () => {
    const inventory = inventoryWith({
      'make-folders.ts': runbook(3),
      'broken.ts': runbook(3)
        .replace("name: 'make-folders'", "name: 'broken'")
        .replace(/done: \(t[^\n]*\n/, ''),
    });
    const r = runCli(['runbook', 'list', '--inventory', inventory]);
    expect(r.stdout).toContain('make-folders  makes a folder per target and step');
    expect(r.stdout).toContain('--param token=string (required) (secret): a credential the commands pass');
    expect(r.stdout).toContain('upgrade  a rolling OS upgrade');
    expect(r.stderr.trim()).toMatch(
      /^\S+\/runbooks\/broken\.ts: runbook broken: step 1 \(first\) has no done\(target\): every step says how to tell, from the target, that it is done already$/,
    );
    expect(r.code).toBe(2);
  });

  it('refuses a file that does not load, a gate it does not know and a parameter it does not have, in one line (exit 2)', () => {
    const inventory = inventoryWith({
      'make-folders.ts': runbook(3),
      'typo.ts': 'export default {',
      'gated.ts': runbook(3).replace("name: 'make-folders'", "name: 'gated', gates: ['fleet-upp']"),
    });
    const run = (...args: string[]) =>
      runCli(['runbook', 'run', ...args, '--inventory', inventory, '--dry-run']);
    const typo = run('typo');
    expect(typo.stderr.trim()).toMatch(/^\S+\/runbooks\/typo\.ts:\d+: it does not load: /);
    expect(typo.stderr.trim().split('\n')).toHaveLength(1);
    expect(typo.code).toBe(2);
    const gated = run('gated');
    expect(gated.stderr.trim()).toMatch(
      /runbook gated: unknown gate "fleet-upp": expected one of wave-back, fleet-up,/,
    );
    expect(gated.code).toBe(2);
    const param = run('make-folders', '--param', 'dri=/x');
    expect(param.stderr.trim()).toBe(
      '--param "dri": runbook make-folders has no such parameter (it has: dir, token); expected NAME=VALUE',
    );
    expect(param.code).toBe(2);
    const twice = run('make-folders', '--param', 'dir=/a', '--param', 'dir=/b');
    expect(twice.stderr.trim()).toBe('--param dir is given twice');
    expect(twice.code).toBe(2);
  });

  it('--dry-run prints every command line, quoted by zx with the secret redacted, and acts on nothing', () => {
    const inventory = inventoryWith({ 'make-folders.ts': runbook(3) });
    const out = tempDir();
    const runs = tempDir();
    const r = runCli([
      'runbook',
      'run',
      'make-folders',
      '--inventory',
      inventory,
      '--runs-dir',
      runs,
      '--param',
      `dir=${out}`,
      '--param',
      `token=${SECRET}`,
      '--dry-run',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`first: $ mkdir ${out}/a__touch__tmp_citycloud_own_runbook_pwned-first`);
    // the target's name is one argument, quoted by zx
    expect(r.stdout).toContain(`first: $ echo $'${HOSTILE}'`);
    expect(r.stdout).toContain("second: $ test $'***' = ***");
    expect(r.stdout.match(/: \$ mkdir /g)).toHaveLength(9);
    expect(r.stdout).not.toContain(SECRET);
    expect(readdirSync(out)).toEqual([]);
    expect(readdirSync(runs)).toEqual([]);
  });

  it('runs each step once, a hostile target name one argument, the secret in no journal line', () => {
    const inventory = inventoryWith({ 'make-folders.ts': runbook(3) });
    const out = tempDir();
    const runs = tempDir();
    const r = runCli([
      'runbook',
      'run',
      join(inventory, '..', 'runbooks', 'make-folders.ts'),
      '--inventory',
      inventory,
      '--runs-dir',
      runs,
      '--param',
      `dir=${out}`,
      '--param',
      `token=${SECRET}`,
      '--approved-by',
      'lan',
    ]);
    expect(r.stdout).toContain('✓ succeeded: every wave passed its gates (3 targets planned)');
    expect(r.code).toBe(0);
    expect(readdirSync(out).length).toBe(9);
    expect(existsSync('/tmp/citycloud-own-runbook-pwned')).toBe(false);
    const run = readdirSync(runs).find((f) => f.startsWith('make-folders-')) as string;
    const journal = readFileSync(join(runs, run, 'journal.jsonl'), 'utf8');
    expect(journal).not.toContain(SECRET);
    const commands = journal
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((x) => x.kind === 'command');
    expect(commands).toHaveLength(36);
    expect(commands.filter((c) => c.command === "test $'***' = ***")).toHaveLength(9);
    expect(commands.filter((c) => c.command === `echo $'${HOSTILE}'`)).toHaveLength(3);
  });

  it('resumes only the bytes it started with, and only with its secret given again', async () => {
    const inventory = inventoryWith({ 'make-folders.ts': runbook(3) });
    const file = join(inventory, '..', 'runbooks', 'make-folders.ts');
    const out = tempDir();
    const runs = tempDir();
    const common = ['--inventory', inventory, '--runs-dir', runs];
    const run = await killedRun('make-folders', out, common, 'second:1');
    // the secret is not in the journal: a resume without it cannot act
    const bare = runCli(['runbook', 'resume', run, ...common]);
    expect(bare.stderr.trim()).toMatch(/needs --param token=… \(a credential the commands pass\)$/);
    expect(bare.code).toBe(2);
    // the file changed since the run started: refused, both digests named, nothing done
    writeFileSync(file, readFileSync(file, 'utf8').replace("'third'", "'third', 'fourth'"));
    const changed = runCli(['runbook', 'resume', run, '--param', `token=${SECRET}`, ...common]);
    expect(changed.stderr).toMatch(
      /is not the runbook it started with \(its SHA-256 is [0-9a-f]{64}, the journal's [0-9a-f]{64}\)/,
    );
    expect(changed.code).not.toBe(0);
    expect(readdirSync(out).some((f) => f.endsWith('-fourth'))).toBe(false);
    // the same bytes again: it goes on and finishes, every folder once
    writeFileSync(file, runbook(3));
    const same = runCli(['runbook', 'resume', run, '--param', `token=${SECRET}`, ...common]);
    expect(same.stdout).toMatch(/✓ succeeded/);
    // with the settings it started with: the resume command's defaults do not replace them
    expect(same.stdout).not.toContain('goes on with other settings');
    expect(readdirSync(out)).toHaveLength(9);
    const status = runCli(['runbook', 'status', run, ...common]);
    expect(status.stdout).toContain(`run ${run} of runbook make-folders: succeeded`);
    expect(status.stdout).toContain('3/3 done, 0 failed, 0 remaining');
    expect(status.stdout).not.toContain(SECRET);
  }, 300_000);

  it('resumes a runbook from outside the inventory only from the file the operator names, never the journal’s', async () => {
    const inventory = inventoryWith({});
    const elsewhere = join(tempDir(), 'make-folders.ts');
    writeFileSync(elsewhere, runbook(3));
    const out = tempDir();
    const runs = tempDir();
    const common = ['--inventory', inventory, '--runs-dir', runs];
    const run = await killedRun(elsewhere, out, common, 'first:1');
    const refused = runCli(['runbook', 'resume', run, '--param', `token=${SECRET}`, ...common]);
    // the journal's path to it is not followed: a journal does not choose the code a resume runs
    expect(refused.stderr).toContain('runbook make-folders is not in ');
    expect(refused.stderr).toContain(': give its file with --runbook FILE');
    expect(refused.code).not.toBe(0);
    const named = runCli([
      'runbook',
      'resume',
      run,
      '--runbook',
      elsewhere,
      '--param',
      `token=${SECRET}`,
      ...common,
    ]);
    expect(named.stdout).toMatch(/✓ succeeded/);
    expect(readdirSync(out)).toHaveLength(9);
  }, 300_000);

  it('hides a secret however it is shown: quoted by zx, echoed on stderr, thrown by done, mistyped', () => {
    const inventory = inventoryWith({
      'leaky.ts': `
import type { Runbook } from 'citycloud/runbook';
export default {
  name: 'leaky',
  description: 'shows its secret every way it can',
  params: { token: { description: 'a credential', secret: true }, mode: { description: 'how to fail' } },
  window: 'any',
  plan: () => [[{ id: 'one' }]],
  steps: [
    {
      name: 'echo',
      done: (_t: unknown, { params }: { params: Record<string, unknown> }) => {
        if (params.mode === 'done') throw new Error(\`vault refused \${params.token}\`);
        if (params.mode === 'said') return \`logged in with \${params.token}\`;
        return false;
      },
      run: async (_t: unknown, { $, params, wait }: { $: any; params: Record<string, unknown>; wait: (r: string) => never }) => {
        if (params.mode === 'wait') wait(\`vault \${params.token} \u001b]8;;https://x\u0007asks\u001b[2J later\`);
        await $\`echo \${params.token}\`;
        // the secret's two lines in two writes apart: shown only as the whole output
        await $\`sh -c \${'printf "%s\\n" "$1" | head -n 1; sleep 0.3; printf "%s\\n" "$1" | tail -n 1'} sh \${params.token}\`;
        await $\`sh -c \${'echo "token is $1" >&2; exit 3'} sh \${params.token}\`;
      },
    },
  ],
} satisfies Runbook;
`,
    });
    const secret = "it's a\nsecret";
    const runs = tempDir();
    const run = (mode: string, env: NodeJS.ProcessEnv = {}) =>
      runCli(
        [
          'runbook',
          'run',
          'leaky',
          '--inventory',
          inventory,
          '--runs-dir',
          runs,
          '--param',
          `token=${secret}`,
          '--param',
          `mode=${mode}`,
          '--approved-by',
          'lan',
          '--json',
        ],
        ROOT,
        env,
      );
    // ZX_* from the environment change nothing: no prefix runs unjournaled
    const marker = join(tempDir(), 'prefixed');
    const failed = run('stderr', { ZX_PREFIX: `touch ${marker};`, ZX_SHELL: '/bin/sh' });
    expect(failed.code).toBe(1);
    expect(existsSync(marker)).toBe(false);
    const thrown = run('done');
    expect(thrown.code).toBe(1);
    // what done says, and what a step waits for, are journaled and shown: secrets hidden there too
    const said = run('said');
    expect(said.code).toBe(0);
    const waited = run('wait');
    expect(waited.code).toBe(75);
    const journals = readdirSync(runs).map((r) => readFileSync(join(runs, r, 'journal.jsonl'), 'utf8'));
    const everything = [
      failed.stdout,
      failed.stderr,
      thrown.stdout,
      thrown.stderr,
      said.stdout,
      said.stderr,
      waited.stdout,
      waited.stderr,
      ...journals,
    ].join('\n');
    expect(everything).toContain('logged in with ***');
    expect(everything).toContain('vault *** ');
    // one line, no terminal control, in the journal and on the terminal
    expect(journals.join('\n')).not.toMatch(/\\u001b|\\u0007/);
    for (const control of ['\u001b', '\u0007']) expect(everything).not.toContain(control);
    for (const piece of ["it's a", 'secret', "it\\'s", 'a\\nsecret']) expect(everything).not.toContain(piece);
    expect(everything).toContain('token is ***');
    expect(everything).toContain('vault refused ***');
    // a mistyped parameter, a short secret: refused without printing the value
    const typo = runCli([
      'runbook',
      'run',
      'leaky',
      '--inventory',
      inventory,
      '--param',
      'token:hunter22',
      '--dry-run',
    ]);
    expect(typo.stderr).not.toContain('hunter22');
    expect(typo.code).toBe(2);
    const short = runCli([
      'runbook',
      'run',
      'leaky',
      '--inventory',
      inventory,
      '--param',
      'token=pin1',
      '--param',
      'mode=x',
      '--dry-run',
    ]);
    expect(short.stderr.trim()).toBe(
      '--param token: a secret must be at least 6 characters (a shorter one cannot be hidden in what is shown without revealing it)',
    );
    expect(short.code).toBe(2);
  });

  it('refuses a runtime import other than node:, and a target id with a control character, in one line (exit 2)', () => {
    const planted = runbook(3).replace(
      "import { existsSync } from 'node:fs';",
      "import { existsSync } from 'node:fs';\nimport 'yaml';",
    );
    const control = runbook(3).replace(JSON.stringify(HOSTILE), JSON.stringify('x\u001b[2Jy'));
    const inventory = inventoryWith({ 'make-folders.ts': planted });
    const imports = runCli(['runbook', 'run', 'make-folders', '--inventory', inventory, '--dry-run']);
    expect(imports.stderr.trim()).toMatch(
      /make-folders\.ts:\d+: it does not load: it imports "yaml" at run time: a runbook imports only node: modules/,
    );
    expect(imports.code).toBe(2);
    writeFileSync(join(inventory, '..', 'runbooks', 'make-folders.ts'), control);
    const ids = runCli([
      'runbook',
      'run',
      'make-folders',
      '--inventory',
      inventory,
      '--param',
      'dir=/x',
      '--param',
      `token=${SECRET}`,
      '--dry-run',
    ]);
    expect(ids.stderr.trim()).toBe(
      'runbook make-folders: wave 0 holds a target without an id (a text of 1 to 256 characters, no control or format character)',
    );
    expect(ids.code).toBe(2);
  });

  it('runs every step exactly once across 20 kill -9 and resumes', async () => {
    const inventory = inventoryWith({ 'make-folders.ts': runbook(20, '0.15') });
    const out = tempDir();
    const runs = tempDir();
    const common = ['--inventory', inventory, '--runs-dir', runs, '--concurrency', '2'];
    const rand = prng(27);
    let run: string | null = null;
    let kills = 0;
    const steps = ['first', 'second', 'third'];
    for (let i = 0; kills < 20 && i < 60; i++) {
      // every other kill right after a step's action, before its journal line; the rest at random
      const crashAt = i % 2 === 1 ? `${steps[(i >> 1) % 3]}:1` : '';
      const args = run
        ? ['runbook', 'resume', run, '--param', `token=${SECRET}`, ...common]
        : [
            'runbook',
            'run',
            'make-folders',
            '--param',
            `dir=${out}`,
            '--param',
            `token=${SECRET}`,
            '--approved-by',
            'lan',
            ...common,
          ];
      const cli = spawnCli(args, crashAt ? { CITYCLOUD_CRASH_AFTER: crashAt } : {});
      if (!run)
        run = (
          (await cli.line(/^\S+ run make-folders-\S+:/)).match(/run (make-folders-\S+):/) as string[]
        )[1] as string;
      if (!crashAt) {
        // a random moment once it has begun acting
        await cli.line(/\$ /).catch(() => '');
        await new Promise((r) => setTimeout(r, Math.floor(rand() * 600)));
        cli.child.kill('SIGKILL');
      }
      const end = await cli.exited;
      if (end.signal === 'SIGKILL') kills++;
      else if (end.code === 0) break;
      else throw new Error(`exit ${end.code}: ${cli.output().slice(-1500)}`);
    }
    expect(kills).toBe(20);
    const last = runCli(['runbook', 'resume', run as string, '--param', `token=${SECRET}`, ...common]);
    expect(last.stdout).toMatch(/✓ succeeded/);
    expect(last.code).toBe(0);
    // every step's folder made once: a second mkdir would have failed its step and the run
    expect(readdirSync(out).length).toBe(20 * 3);
    const journal = readFileSync(join(runs, run as string, 'journal.jsonl'), 'utf8');
    expect(journal).not.toContain('"step-failed"');
  }, 600_000);
});
