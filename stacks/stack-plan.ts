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
import type { PartCache } from '../view/view.ts';
import { loadOnce } from './load-once.ts';
import { withoutStackTraces } from './quiet-stack-traces.ts';

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
/** What a part adds to its stack. */
type Fragment = { resource: Blocks; data: Blocks };

const cdktf = loadOnce(() => import('cdktf'));
const cityStack = loadOnce(() => import('./city-stack.ts'));

/**
 * One cdktf stack of the plan's name, reused for every part rendered: a part's constructs are
 * added, the stack rendered, and the constructs removed again (a fresh App per part cost 5 ms,
 * half a second over the 10x city's platform stack).
 */
class Stage {
  private constructor(private readonly stack: TerraformStack) {}

  static async of(plan: StackPlan): Promise<Stage> {
    const [{ App }, { CityStack }] = await Promise.all([cdktf(), cityStack()]);
    const app = new App({ skipValidation: true, stackTraces: false });
    return new Stage(new CityStack(app, plan.name, plan.state));
  }

  render(build?: (stack: TerraformStack) => void): Record<string, unknown> {
    const before = new Set(this.stack.node.children.map((c) => c.node.id));
    try {
      return withoutStackTraces(() => {
        build?.(this.stack);
        return this.stack.toTerraform() as Record<string, unknown>;
      });
    } finally {
      for (const c of this.stack.node.children)
        if (!before.has(c.node.id)) this.stack.node.tryRemoveChild(c.node.id);
    }
  }
}

/** The resources (and data sources) one part adds, as JSON. */
async function renderPart(stage: () => Promise<Stage>, part: StackPart): Promise<Fragment> {
  const build = await part.load();
  const json = (await stage()).render(build);
  return { resource: (json.resource ?? {}) as Blocks, data: (json.data ?? {}) as Blocks };
}

/** The stack without its parts: the backend and provider blocks and cdktf's metadata. */
async function renderSkeleton(stage: () => Promise<Stage>): Promise<Record<string, unknown>> {
  const json = (await stage()).render();
  delete json.resource;
  delete json.data;
  return json;
}

/** What `render` gives for this slice: from the cache, or rendered (and kept, as JSON). */
async function cached<T>(
  cache: PartCache | undefined,
  unit: string,
  slice: unknown,
  render: () => Promise<T>,
): Promise<{ value: T; rendered: boolean }> {
  const key = cache?.key(unit, slice);
  const hit = cache && key ? cache.get(key) : null;
  if (hit !== null) return { value: JSON.parse(hit) as T, rendered: false };
  const value = await render();
  if (cache && key) cache.put(key, JSON.stringify(value));
  return { value, rendered: true };
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
export async function renderPlan(plan: StackPlan, cache?: PartCache): Promise<RenderedStack> {
  const resource: Blocks = {};
  const data: Blocks = {};
  let rendered = 0;
  const ids = new Set<string>();
  const stage = loadOnce(() => Stage.of(plan));
  for (const part of plan.parts) {
    if (ids.has(part.id)) throw new Error(`stack ${plan.name}: two parts are both called ${part.id}`);
    ids.add(part.id);
    const r = await cached(cache, `terraform/${plan.name}/${part.id}`, [plan.state, part.slice], () =>
      renderPart(stage, part),
    );
    if (r.rendered) rendered++;
    mergeInto(resource, r.value.resource, plan.name);
    mergeInto(data, r.value.data, plan.name);
  }
  const skeleton = (await cached(cache, `terraform/${plan.name}`, plan.state, () => renderSkeleton(stage)))
    .value;
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
