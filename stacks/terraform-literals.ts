/**
 * Inventory text as Terraform literals. Terraform evaluates `${…}` and `%{…}` in every string of a
 * .tf.json file, so a name such as `${file("/etc/hostname")}` would be read off the machine that
 * plans. Every string of the model goes through here once, before any stack sees it: `${` becomes
 * `$${` and `%{` becomes `%%{`, which Terraform reads back as the text that was written. The
 * references cdktf writes itself are made after this, so they stay references.
 */
import type { CityModel } from '../model/index.ts';

/** The text as a Terraform string literal's content. */
export function terraformLiteral(text: string): string {
  return text.replace(/([$%])\{/g, '$1$1{');
}

const needsEscape = (text: string) => text.includes('${') || text.includes('%{');

/**
 * The model with every string a Terraform literal. Objects with nothing to escape are shared, not
 * copied, so a city without such text costs one walk and gives back the very same model.
 */
export function terraformLiterals(model: CityModel): CityModel {
  const done = new Map<object, unknown>();
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return needsEscape(value) ? terraformLiteral(value) : value;
    if (value === null || typeof value !== 'object') return value;
    const known = done.get(value);
    if (known !== undefined) return known;
    let changed = false;
    let copy: unknown;
    if (Array.isArray(value)) {
      const items = value.map((v) => {
        const w = walk(v);
        if (w !== v) changed = true;
        return w;
      });
      copy = changed ? Object.freeze(items) : value;
    } else {
      const entries: [string, unknown][] = [];
      for (const key in value) {
        const v = (value as Record<string, unknown>)[key];
        const w = walk(v);
        if (w !== v) changed = true;
        entries.push([key, w]);
      }
      copy = changed ? Object.freeze(Object.fromEntries(entries)) : value;
    }
    done.set(value, copy);
    return copy;
  };
  return walk(model) as CityModel;
}
