/**
 * The semantic diff of a Terraform JSON stack's blocks other than `resource`: where its state is
 * kept (`terraform.backend`, `terraform.cloud`), which providers it requires and from where
 * (`terraform.required_providers`), each provider's configuration, and the `data`, `module`,
 * `output`, `locals`, `variable`, `import`, `moved`, `removed` and `check` blocks. A change there
 * moves no resource and can still move everything: another state, another cluster, other code.
 */
import { attributeChanges, holdsSecret, shortText } from './attribute-diff.ts';
import { type AttributeChange, type Change, SENSITIVE, type TerraformBlock } from './change.ts';

interface Item {
  readonly block: TerraformBlock;
  readonly value: unknown;
  /** `source@version` of a required provider or a module. */
  readonly source?: string;
  /** The backend's type. */
  readonly backend?: string;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v));

/** Every block of a stack (without its resources) by a stable identity, as Terraform addresses them. */
export function blockItems(json: Json | undefined): Map<string, Item> {
  const out = new Map<string, Item>();
  const put = (id: string, item: Item) => {
    let key = id;
    for (let n = 2; out.has(key); n++) key = `${id} #${n}`;
    out.set(key, item);
  };
  for (const [top, body] of Object.entries(json ?? {})) {
    if (top === 'resource' || top === '//') continue;
    const named = (prefix: string, block: TerraformBlock, extra?: (v: unknown) => Partial<Item>) => {
      for (const [name, value] of Object.entries(isObject(body) ? body : {}))
        put(`${prefix}.${name}`, { block, value, ...extra?.(value) });
    };
    switch (top) {
      case 'terraform':
        for (const t of list(body))
          for (const [key, value] of Object.entries(isObject(t) ? t : {})) {
            if (key === 'backend' || key === 'cloud')
              put(`terraform.${key}`, {
                block: 'backend',
                value,
                backend:
                  key === 'cloud' ? 'cloud' : Object.keys(isObject(value) ? value : {}).join(',') || '?',
              });
            else if (key === 'required_providers')
              for (const [name, req] of Object.entries(isObject(value) ? value : {}))
                put(`terraform.required_providers.${name}`, {
                  block: 'required-provider',
                  value: req,
                  source: isObject(req)
                    ? `${str(req.source) || name}@${str(req.version)}`
                    : `${name}@${str(req)}`,
                });
            else put(`terraform.${key}`, { block: 'terraform-setting', value });
          }
        break;
      case 'provider':
        for (const [name, configs] of Object.entries(isObject(body) ? body : {}))
          for (const c of list(configs)) {
            const alias = isObject(c) && typeof c.alias === 'string' ? `.${c.alias}` : '';
            put(`provider.${name}${alias}`, { block: 'provider', value: c });
          }
        break;
      case 'data':
        for (const [type, byName] of Object.entries(isObject(body) ? body : {}))
          for (const [name, value] of Object.entries(isObject(byName) ? byName : {}))
            put(`data.${type}.${name}`, { block: 'data', value });
        break;
      case 'module':
        named('module', 'module', (v) => ({
          source: isObject(v) ? `${str(v.source)}@${str(v.version)}` : '',
        }));
        break;
      case 'output':
        named('output', 'output');
        break;
      case 'locals':
        for (const l of list(body))
          for (const [name, value] of Object.entries(isObject(l) ? l : {}))
            put(`local.${name}`, { block: 'local', value });
        break;
      case 'variable':
        named('var', 'variable');
        break;
      case 'check':
        named('check', 'check');
        break;
      case 'import':
        for (const b of list(body))
          put(`import ${str(isObject(b) ? b.to : b)}`, { block: 'import', value: b });
        break;
      case 'moved':
        for (const b of list(body))
          put(`moved ${str(isObject(b) ? b.from : '')} → ${str(isObject(b) ? b.to : '')}`, {
            block: 'moved',
            value: b,
          });
        break;
      case 'removed':
        for (const b of list(body))
          put(`removed ${str(isObject(b) ? b.from : b)}`, { block: 'removed', value: b });
        break;
      default:
        put(top, { block: 'other', value: body });
    }
  }
  return out;
}

const WHAT: Readonly<Record<TerraformBlock, string>> = {
  backend: 'state backend',
  'required-provider': 'required provider',
  'terraform-setting': 'terraform setting',
  provider: 'provider configuration',
  data: 'data source',
  module: 'module',
  output: 'output',
  local: 'local value',
  variable: 'variable',
  import: 'import block',
  moved: 'moved block',
  removed: 'removed block',
  check: 'check block',
  other: 'top-level block',
};

export function diffTerraformBlocks(
  artifact: string,
  stack: string,
  before: Json | undefined,
  after: Json | undefined,
): Change[] {
  const a = blockItems(before);
  const b = blockItems(after);
  const changes: Change[] = [];
  for (const id of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const x = a.get(id);
    const y = b.get(id);
    const found = attributeChanges(x?.value, y?.value);
    if (x && y && found.length === 0) continue;
    const block = (y ?? x)?.block as TerraformBlock;
    // a local or variable named like a secret, or an output marked sensitive, is never shown
    const name = id.split('.').at(-1) as string;
    const secret = [x, y].some(
      (i) =>
        i !== undefined &&
        (holdsSecret({ [name]: i.value }) ||
          (block === 'output' && (i.value as { sensitive?: unknown } | null)?.sensitive === true)),
    );
    const attributes: AttributeChange[] = secret
      ? found.map((c) => ({
          path: c.path,
          ...(c.before !== undefined ? { before: SENSITIVE } : {}),
          ...(c.after !== undefined ? { after: SENSITIVE } : {}),
          sensitive: true,
        }))
      : found;
    const shown = (i: Item | undefined) =>
      i?.backend ?? i?.source ?? (i && !secret && !holdsSecret(i.value) ? shortText(i.value) : '(not shown)');
    const action = !x ? 'add' : !y ? 'remove' : 'change';
    changes.push({
      area: 'terraform',
      artifact,
      stack,
      kind: block,
      id,
      action,
      summary:
        action === 'change'
          ? `${WHAT[block]} ${id} of stack ${stack} changed: ${
              x?.backend !== undefined || x?.source !== undefined
                ? `${shown(x)} → ${shown(y)}${attributes.length ? ` (${attributes.map((c) => c.path).join(', ')})` : ''}`
                : attributes.map((c) => c.path).join(', ')
            }`
          : `${WHAT[block]} ${id} of stack ${stack} ${action === 'add' ? 'added' : 'removed'}: ${shown(y ?? x)}`,
      attributes,
      facts: {
        of: 'terraform-block',
        block,
        ...(x?.source !== undefined ? { sourceBefore: x.source } : {}),
        ...(y?.source !== undefined ? { sourceAfter: y.source } : {}),
        ...(x?.backend !== undefined ? { backendBefore: x.backend } : {}),
        ...(y?.backend !== undefined ? { backendAfter: y.backend } : {}),
      },
      objects: { before: x?.value, after: y?.value },
    });
  }
  return changes;
}
