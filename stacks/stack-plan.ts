/**
 * A Terraform stack as a list of parts, each a construct (or a few) and the slice of the model
 * it is made from. A stack's JSON is its skeleton (provider, backend) plus the resources of every
 * part, each part rendered by cdktf in a stack of the same name — so resource addresses and
 * metadata paths are those of one big stack — and merged, types and names sorted. A part whose
 * slice did not change comes from the cache: adding a server re-renders its row of its pool, not
 * the 15,000 resources of the platform stack. Full and incremental synths take this same path,
 * so their bytes are the same.
 */
import type { TerraformStack } from 'cdktf';
import type { TerraformState } from '../model/index.ts';
import { loadOnce } from './load-once.ts';
import { withoutStackTraces } from './quiet-stack-traces.ts';
import type { SynthCache } from './synth-cache.ts';

export interface StackPart {
  /** Unique within the stack, stable across inventories: `pool-web/h1-r03`. */
  readonly id: string;
  /** Everything of the model the part's resources depend on (its cache key). */
  readonly slice: unknown;
  /**
   * Loads the part's constructs and returns what adds them to a stack. cdktf and the provider's
   * bindings take a second or more to load: a synth whose parts all come from the cache never does.
   */
  readonly load: () => Promise<(stack: TerraformStack) => void>;
}

export interface StackPlan {
  readonly name: string;
  readonly state: TerraformState;
  readonly parts: readonly StackPart[];
}

export interface RenderedStack {
  readonly name: string;
  readonly content: string;
  /** Resources per type, types sorted. */
  readonly resources: Readonly<Record<string, number>>;
  /** Parts rendered now, and parts taken from the cache. */
  readonly rendered: number;
  readonly cached: number;
}

type Blocks = Record<string, Record<string, unknown>>;

const cdktf = loadOnce(() => import('cdktf'));
const cityStack = loadOnce(() => import('./city-stack.ts'));

async function synthesized(
  plan: StackPlan,
  build?: (stack: TerraformStack) => void,
): Promise<Record<string, unknown>> {
  const [{ App }, { CityStack }] = await Promise.all([cdktf(), cityStack()]);
  return withoutStackTraces(() => {
    const app = new App({ skipValidation: true, stackTraces: false });
    const stack = new CityStack(app, plan.name, plan.state);
    build?.(stack);
    return stack.toTerraform() as Record<string, unknown>;
  });
}

/** The resources (and data sources) one part adds, as JSON. */
async function renderPart(plan: StackPlan, part: StackPart): Promise<string> {
  const json = await synthesized(plan, await part.load());
  return JSON.stringify({ resource: json.resource ?? {}, data: json.data ?? {} });
}

/** The stack without its parts: the backend and provider blocks and cdktf's metadata. */
async function renderSkeleton(plan: StackPlan): Promise<string> {
  const json = await synthesized(plan);
  delete json.resource;
  delete json.data;
  return JSON.stringify(json);
}

async function cached(
  cache: SynthCache | undefined,
  unit: string,
  slice: unknown,
  render: () => Promise<string>,
) {
  const key = cache?.key(unit, slice);
  const hit = cache && key ? cache.get(key) : null;
  if (hit !== null) return { json: hit, rendered: false };
  const json = await render();
  if (cache && key) cache.put(key, json);
  return { json, rendered: true };
}

function mergeInto(target: Blocks, blocks: Blocks, where: string): void {
  for (const [type, byName] of Object.entries(blocks)) {
    const into = target[type] ?? {};
    target[type] = into;
    for (const [name, body] of Object.entries(byName)) {
      if (name in into) throw new Error(`stack ${where}: two parts both make ${type}.${name}`);
      into[name] = body;
    }
  }
}

const sorted = (blocks: Blocks): Blocks =>
  Object.fromEntries(
    Object.keys(blocks)
      .sort()
      .map((type) => {
        const byName = blocks[type] as Record<string, unknown>;
        return [
          type,
          Object.fromEntries(
            Object.keys(byName)
              .sort()
              .map((n) => [n, byName[n]]),
          ),
        ];
      }),
  );

/** The stack's cdk.tf.json, from cached parts where their slice is unchanged. */
export async function renderPlan(plan: StackPlan, cache?: SynthCache): Promise<RenderedStack> {
  const resource: Blocks = {};
  const data: Blocks = {};
  let rendered = 0;
  const ids = new Set<string>();
  for (const part of plan.parts) {
    if (ids.has(part.id)) throw new Error(`stack ${plan.name}: two parts are both called ${part.id}`);
    ids.add(part.id);
    const r = await cached(cache, `terraform/${plan.name}/${part.id}`, [plan.state, part.slice], () =>
      renderPart(plan, part),
    );
    if (r.rendered) rendered++;
    const fragment = JSON.parse(r.json) as { resource: Blocks; data: Blocks };
    mergeInto(resource, fragment.resource, plan.name);
    mergeInto(data, fragment.data, plan.name);
  }
  const skeleton = JSON.parse(
    (await cached(cache, `terraform/${plan.name}`, plan.state, () => renderSkeleton(plan))).json,
  ) as Record<string, unknown>;
  const byType = sorted(resource);
  const stack = {
    ...skeleton,
    ...(Object.keys(data).length > 0 ? { data: sorted(data) } : {}),
    ...(Object.keys(resource).length > 0 ? { resource: byType } : {}),
  };
  return {
    name: plan.name,
    content: `${JSON.stringify(stack, null, 2)}\n`,
    resources: Object.fromEntries(
      Object.entries(byType).map(([type, byName]) => [type, Object.keys(byName).length]),
    ),
    rendered,
    cached: plan.parts.length - rendered,
  };
}
