/**
 * The rolling upgrade as a runbook of the engine (runbooks/engine/run-engine.ts): each server of
 * the plan through cordon → drain → upgrade → reboot → uncordon, each step's `done` read from the
 * server itself (its cordon, the version installed and running, its boot id), the gates of
 * upgrade-gates.ts between waves, and no wave past a pool's w with the failed servers counted.
 */
import { type CityModel, type PoolHeadroom, poolHeadrooms } from '../../model/index.ts';
import { sleep } from '../engine/run-engine.ts';
import type { BoundRunbook, Step, StepAct, Target, Wave } from '../engine/runbook.ts';
import type { Executor, ServerFacts } from '../executors/executor.ts';
import { evaluateGates } from './upgrade-gates.ts';
import type { UpgradePlan, UpgradeWave, WaveServer } from './upgrade-plan.ts';

export const UPGRADE_RUNBOOK = 'upgrade';

/** The steps, in order. */
export const UPGRADE_STEPS = ['cordon', 'drain', 'upgrade', 'reboot', 'uncordon'] as const;

export interface UpgradeTarget extends Target {
  readonly server: WaveServer;
}

export interface UpgradeSettings {
  /** The gates' Prometheus. */
  readonly prometheus: string;
  /** How long a server may take to come back from its reboot. */
  readonly rebootTimeoutSeconds: number;
}

export function upgradeRunbook(
  model: CityModel,
  executor: Executor,
  plan: UpgradePlan,
  settings: UpgradeSettings,
): BoundRunbook<UpgradeTarget> {
  const { target } = plan;
  // what each server's step last read of it: the step that reads it acts on that reading, as
  // one look at the server decides and does (a server's steps run one after the other)
  const seen = new Map<string, ServerFacts>();
  const facts = async (t: UpgradeTarget) => {
    const f = await executor.facts(t.id);
    seen.set(t.id, f);
    return f;
  };
  const last = (t: UpgradeTarget) => seen.get(t.id) as ServerFacts;
  /** The OS steps act only on a server out of service, whatever the journal says was done. */
  const outOfServiceOnly = (step: string) => (t: UpgradeTarget) =>
    last(t).cordoned ? null : `it is not cordoned; refusing to ${step} a server in service`;

  /** Waits until the server is back with a new boot id, running the target. */
  const awaitBoot = async (t: UpgradeTarget, before: string, act: StepAct) => {
    const until = Date.now() + settings.rebootTimeoutSeconds * 1000;
    act.update('reboot: waiting for it to come back');
    for (;;) {
      const now = await executor.facts(t.id).catch(() => null);
      if (now?.up && now.bootId !== before) {
        if (now.version !== target)
          throw new Error(`came back from its reboot running ${now.version}, not ${target}`);
        return;
      }
      if (Date.now() > until)
        throw new Error(`did not come back within ${settings.rebootTimeoutSeconds} s of its reboot`);
      await sleep(200);
    }
  };

  const describe = (step: (typeof UPGRADE_STEPS)[number]) => (t: UpgradeTarget) =>
    executor.describe(step, t.id, target);
  const steps: Step<UpgradeTarget>[] = [
    {
      name: 'cordon',
      describe: describe('cordon'),
      done: async (t) => ((await facts(t)).cordoned ? 'cordoned' : null),
      run: (t) => executor.cordon(t.id),
    },
    {
      // draining a drained server is a no-op on the fleet, and a journal saying "drained" is not
      // taken on trust before the server is upgraded: it is drained again until then
      name: 'drain',
      describe: describe('drain'),
      done: async (t) => {
        await facts(t);
        return null;
      },
      run: (t) => executor.drain(t.id),
      repeatUntil: 'upgrade',
    },
    {
      name: 'upgrade',
      describe: describe('upgrade'),
      done: async (t) => ((await facts(t)).installed === target ? `${target} is installed` : null),
      refuse: outOfServiceOnly('upgrade'),
      run: (t) => executor.install(t.id, target),
    },
    {
      name: 'reboot',
      describe: describe('reboot'),
      done: async (t, bootBefore) => {
        const f = await facts(t);
        if (bootBefore && f.bootId !== bootBefore) return 'rebooted (its boot id changed)';
        return f.version === target ? `runs ${target}` : null;
      },
      // the boot id before it, so a resume knows whether it happened
      remember: async (t) => last(t).bootId,
      refuse: outOfServiceOnly('reboot'),
      run: (t) => executor.reboot(t.id),
      // back with another boot id; found rebooted by a run that died before it saw the server
      // back, or found running the target but down: wait for it as that run would
      settle: async (t, act, how) => {
        if (how === 'acted' || !last(t).up) await awaitBoot(t, act.memo ?? '', act);
      },
    },
    {
      name: 'uncordon',
      describe: describe('uncordon'),
      done: async (t) => ((await facts(t)).cordoned ? null : 'not cordoned'),
      run: (t) => executor.uncordon(t.id),
    },
  ];

  const planned = new Map(plan.waves.map((w) => [w.index, w]));
  const waveOf = (wave: Wave<UpgradeTarget>): UpgradeWave => ({
    ...(planned.get(wave.index) as UpgradeWave),
    servers: wave.targets.map((t) => t.server),
  });
  const total = plan.waves.length;
  const plural = (n: number) => `${n} ${n === 1 ? 'server' : 'servers'}`;

  return {
    name: UPGRADE_RUNBOOK,
    waves: plan.waves.map((w) => ({
      index: w.index,
      title: `wave ${w.index}/${total - 1} (${w.kind === 'canary' ? 'canary: one server of each pool' : `${w.criticality} pools`}): ${plural(w.servers.length)}`,
      targets: w.servers.map((s) => ({
        id: s.server,
        title: `${s.server} (${s.pool}, ${s.rack})`,
        server: s,
      })),
    })),
    steps,
    window: model.runbooks.upgradeWindow,
    summary: `${plan.toUpgrade} servers planned`,
    noun: ['server', 'servers'],
    done: 'upgraded',
    finished: () => `upgraded to ${target}`,
    // planned with its version unknown, but it runs the target: nothing to do, nothing touched
    skip: async (t) => {
      const f = await executor.facts(t.id);
      return f.version === target && f.installed === target && !f.cordoned
        ? `it runs ${target} already (found before its first step)`
        : null;
    },
    outOfService: async (t) => (await executor.facts(t.id)).cordoned,
    beforeWave: (wave, failed) => overWithFailed(model, plan, waveOf(wave), failed),
    gates: (wave, failed, since) =>
      evaluateGates(settings.prometheus, model, plan, waveOf(wave), failed, since),
  };
}

/**
 * Why a wave would take a pool past its w, or a warehouse pool past one rack, counting the
 * servers that failed in this run and may still be out of service; null when it would not.
 */
function overWithFailed(
  model: CityModel,
  plan: UpgradePlan,
  wave: UpgradeWave,
  failed: ReadonlySet<string>,
): string | null {
  const where = new Map(plan.waves.flatMap((w) => w.servers.map((s) => [s.server, s] as const)));
  const headrooms = poolHeadrooms(model);
  const kinds = new Map(model.pools.map((p) => [p.id, p.kind]));
  const pools = new Set(wave.servers.map((s) => s.pool));
  for (const pool of pools) {
    const mine = wave.servers.filter((s) => s.pool === pool && !failed.has(s.server));
    const out = [...failed]
      .map((n) => where.get(n))
      .filter((s): s is WaveServer => s !== undefined && s.pool === pool);
    if (out.length === 0 || mine.length === 0) continue;
    const w = (headrooms.get(pool) as PoolHeadroom).wave;
    const racks = new Set([...mine, ...out].map((s) => s.rack));
    const oneRack = kinds.get(pool) === 'warehouse' && racks.size > 1;
    if (mine.length + out.length > w || oneRack)
      return `pool ${pool} has ${out.length} failed server(s) that may still be out of service (${out
        .map((s) => s.server)
        .slice(0, 5)
        .join(
          ', ',
        )}); wave ${wave.index} would take it past ${oneRack ? 'one rack' : `its w of ${w}`}. Fix them and resume`;
  }
  return null;
}
