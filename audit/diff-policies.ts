/**
 * The inventory's policies that are not resources, from the model each side synthesized: where
 * the Terraform state is kept, whether a deploy needs a review and who may sign one (each reviewer
 * by principals and key), the providers the lock file pins, four eyes on the runbooks and their
 * window, where personal data may live, and the alerts the city does not run. None of them is a
 * resource in a stack, and each can undo what the review gate or the monitoring promises.
 */
import type { CityModel } from '../model/index.ts';
import { attributeChanges } from './attribute-diff.ts';
import type { Change, Policy } from './change.ts';

const ARTIFACT = 'model/city.json';

type Side = Pick<CityModel, 'terraformState' | 'deploy' | 'runbooks' | 'residency' | 'monitoring'>;

/** A value as one line of text. */
const text = (v: unknown): string =>
  v === undefined || v === null ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v);

/** The state backend in words: `s3 (bucket citycloud-state, endpoint https://…)`. */
function backendText(s: Side['terraformState'] | undefined): string {
  if (!s) return '(none)';
  const { backend, ...rest } = s as { backend: string } & Record<string, unknown>;
  const details = Object.entries(rest)
    .filter(([k]) => k !== 'path')
    .map(([k, v]) => `${k} ${text(v)}`);
  return `${backend}${details.length ? ` (${details.join(', ')})` : ''}`;
}

const WHAT: Readonly<Record<Policy, string>> = {
  'state-backend': 'Terraform state backend (terraformState)',
  'require-review': 'review required before deploy (deploy.requireReview)',
  'four-eyes': 'four eyes on runbooks (runbooks.fourEyes)',
  'upgrade-window': 'upgrade window (runbooks.upgrade.window)',
  residency: 'where personal data may be kept (residency.personalDataIn)',
  'disabled-alerts': 'alerts the city does not run (monitoring.disabledAlerts)',
};

function policy(
  kind: Policy,
  before: unknown,
  after: unknown,
  shown: (v: unknown) => string = text,
  items?: (v: unknown) => readonly string[],
): Change | null {
  const attributes = attributeChanges(before, after, { ignoreKeys: new Set(['path']) });
  if (attributes.length === 0) return null;
  const a = items?.(before) ?? [];
  const b = items?.(after) ?? [];
  const added = b.filter((x) => !a.includes(x));
  const removed = a.filter((x) => !b.includes(x));
  return {
    area: 'inventory',
    artifact: ARTIFACT,
    kind: 'policy',
    id: kind,
    action: 'change',
    summary: `${WHAT[kind]}: ${shown(before)} → ${shown(after)}`,
    attributes,
    facts: { of: 'policy', policy: kind, before: shown(before), after: shown(after), added, removed },
  };
}

const strings = (v: unknown): readonly string[] => (Array.isArray(v) ? v.map(String) : []);
/** The key's type and the last characters of its body: enough to tell two keys apart. */
const keyShown = (key: string) => {
  const [type, body = ''] = key.split(' ');
  return `${type} …${body.slice(-12)}`;
};

export function diffPolicies(before: Partial<Side>, after: Partial<Side>): Change[] {
  const changes: (Change | null)[] = [
    policy('state-backend', before.terraformState, after.terraformState, (v) =>
      backendText(v as Side['terraformState'] | undefined),
    ),
    policy('require-review', before.deploy?.requireReview ?? false, after.deploy?.requireReview ?? false),
    policy('four-eyes', before.runbooks?.fourEyes ?? false, after.runbooks?.fourEyes ?? false),
    policy('upgrade-window', before.runbooks?.upgradeWindow ?? null, after.runbooks?.upgradeWindow ?? null),
    policy(
      'residency',
      before.residency?.personalDataIn ?? [],
      after.residency?.personalDataIn ?? [],
      (v) => (strings(v).length ? strings(v).join(', ') : '(anywhere)'),
      strings,
    ),
    policy(
      'disabled-alerts',
      before.monitoring?.disabledAlerts ?? [],
      after.monitoring?.disabledAlerts ?? [],
      (v) => (strings(v).length ? strings(v).join(', ') : '(none)'),
      strings,
    ),
  ];
  // the reviewers, one change per signer added or removed (a key changed is one of each)
  const signer = (r: { principals: string; options: string; key: string }) =>
    `${r.principals}\u0000${r.options}\u0000${r.key}`;
  const ra = new Map((before.deploy?.reviewers ?? []).map((r) => [signer(r), r]));
  const rb = new Map((after.deploy?.reviewers ?? []).map((r) => [signer(r), r]));
  for (const id of [...new Set([...ra.keys(), ...rb.keys()])].sort()) {
    const x = ra.get(id);
    const y = rb.get(id);
    if (x && y) continue;
    const r = (x ?? y) as { principals: string; options: string; key: string };
    changes.push({
      area: 'inventory',
      artifact: ARTIFACT,
      kind: 'reviewer',
      id: `${r.principals} ${keyShown(r.key)}`,
      action: x ? 'remove' : 'add',
      summary: `reviewer ${r.principals} (${keyShown(r.key)}${r.options ? `, ${r.options}` : ''}) ${x ? 'removed from' : 'added to'} the allowed signers`,
      attributes: [],
      facts: { of: 'reviewer', principals: r.principals, key: r.key },
    });
  }
  // the providers the lock file pins
  const la = new Map((before.deploy?.providerLock ?? []).map((p) => [p.address, p]));
  const lb = new Map((after.deploy?.providerLock ?? []).map((p) => [p.address, p]));
  for (const address of [...new Set([...la.keys(), ...lb.keys()])].sort()) {
    const x = la.get(address);
    const y = lb.get(address);
    const hashesChanged =
      JSON.stringify([...(x?.hashes ?? [])].sort()) !== JSON.stringify([...(y?.hashes ?? [])].sort());
    if (x && y && x.version === y.version && x.constraints === y.constraints && !hashesChanged) continue;
    changes.push({
      area: 'inventory',
      artifact: ARTIFACT,
      kind: 'provider-lock',
      id: address,
      action: !x ? 'add' : !y ? 'remove' : 'change',
      summary: !x
        ? `provider ${address} ${y?.version} pinned in the lock file`
        : !y
          ? `provider ${address} no longer pinned in the lock file`
          : `provider ${address} in the lock file: ${x.version} → ${y.version}${hashesChanged ? ', its package checksums changed' : ''}`,
      attributes: attributeChanges(x, y),
      facts: {
        of: 'provider-lock',
        address,
        ...(x ? { versionBefore: x.version } : {}),
        ...(y ? { versionAfter: y.version } : {}),
        hashesChanged,
      },
    });
  }
  return changes.filter((c): c is Change => c !== null);
}
