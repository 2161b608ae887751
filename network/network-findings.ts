/** The findings of the network rules, each tied to the connection point it is about. */
import { CITY_PACK, type CityModel, runPack } from '../model/index.ts';
import { parentPath } from '../model/model-path.ts';

export const NETWORK_RULES: ReadonlySet<string> = new Set([
  'CC007',
  'CC009',
  'CC010',
  'CC011',
  'CC012',
  'CC013',
  'CC014',
  'CC015',
  'CC016',
]);

export interface PointFinding {
  readonly rule: string;
  readonly level: string;
  /** The point the finding is about, when it is about one. */
  readonly point: string | null;
  readonly path: string;
  readonly message: string;
}

export function networkFindings(model: CityModel): PointFinding[] {
  const byPath = new Map(model.network.points.map((p) => [p.path, p.id]));
  const pointOf = (path: string) => {
    for (let p = path; p !== ''; p = parentPath(p)) {
      const id = byPath.get(p);
      if (id) return id;
    }
    const pinned = /^addressPins\.sites\[(.+)\]$/.exec(path);
    return pinned?.[1] ?? null;
  };
  const pack = CITY_PACK.filter((entry) => NETWORK_RULES.has(entry.id));
  return runPack(model, pack).map(({ entry, violation: v, level }) => ({
    rule: entry.id,
    level,
    point: pointOf(v.path),
    path: v.path,
    message: v.message,
  }));
}
