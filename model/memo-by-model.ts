/** Caches a pure function of the model per model object (the model is frozen, so it cannot go stale). */
import type { CityModel } from './types.ts';

export function memoByModel<T>(compute: (model: CityModel) => T): (model: CityModel) => T {
  const cache = new WeakMap<CityModel, T>();
  return (model) => {
    if (cache.has(model)) return cache.get(model) as T;
    const value = compute(model);
    cache.set(model, value);
    return value;
  };
}
