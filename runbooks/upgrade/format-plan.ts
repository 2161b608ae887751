/** The upgrade plan as the operator reads it: the pools' w and k, then every wave. */
import type { AssumedVersions } from './live-state.ts';
import type { UpgradePlan } from './upgrade-plan.ts';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** What the plan's first line says of versions it assumed instead of reading them. */
const ASSUMED: Readonly<Record<AssumedVersions, string>> = {
  unknown:
    'versions not read (--assume-versions unknown): every server in service is planned; when the run executes, each one’s version is read before its steps and one already at the target is not upgraded again',
  old: 'versions not read (--assume-versions old): every server in service is taken to run an older version than the target',
};

export function formatPlan(plan: UpgradePlan, options: { assumed?: AssumedVersions } = {}): string {
  const lines = [
    ...(options.assumed ? [ASSUMED[options.assumed]] : []),
    `upgrade to ${plan.target}: ${plan.toUpgrade} of ${plan.fleet} servers in ${plan.waves.length} waves (${plan.alreadyAtTarget} already at ${plan.target}${plan.notInService ? `, ${plan.notInService} of planned phases not built yet` : ''}${plan.versionUnknown.length ? `, ${plan.versionUnknown.length} of unknown version planned anyway` : ''})`,
    '',
    '  pool                criticality  servers  w (wave)  k (spare)  headroom  to upgrade',
  ];
  for (const p of plan.pools)
    lines.push(
      `  ${p.pool.padEnd(18)}  ${p.criticality.padEnd(11)}  ${String(p.servers).padStart(7)}  ${String(p.wave).padStart(8)}${p.oneRackAtATime ? '*' : ' '}  ${String(p.spare).padStart(9)}  ${pct(p.limit).padStart(8)}  ${String(p.toUpgrade).padStart(10)}`,
    );
  lines.push(
    '  * warehouse pool: at most one rack out at a time',
    '',
    '  wave  kind     pools     servers  racks  per pool',
  );
  for (const w of plan.waves) {
    const per = new Map<string, number>();
    for (const s of w.servers) per.set(s.pool, (per.get(s.pool) ?? 0) + 1);
    const racks = new Set(w.servers.map((s) => s.rack)).size;
    const perPool = [...per].map(([p, n]) => `${p} ${n}`).join(', ');
    lines.push(
      `  ${String(w.index).padStart(4)}  ${w.kind.padEnd(7)}  ${w.criticality.padEnd(8)}  ${String(w.servers.length).padStart(7)}  ${String(racks).padStart(5)}  ${perPool.length > 100 ? `${perPool.slice(0, 99)}…` : perPool}`,
    );
  }
  return lines.join('\n');
}
