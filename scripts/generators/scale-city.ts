/**
 * Scales a city inventory by a whole factor, in the same schema and as compact as the original:
 * halls, districts (with their wards), agencies and the service catalogue are copied with new
 * stable ids, and the requests on the shared pools grow with them. Copy 1 is the original.
 */
import { Document, isMap, isScalar, visit } from 'yaml';
import { UPLINKS_PER_SITE } from '../../model/address-plan.ts';
import { formatPrefix, nextPowerOfTwo, overlaps, parsePrefix, rangeOf } from '../../model/ipv4.ts';

// biome-ignore lint/suspicious/noExplicitAny: the raw inventory is reshaped as plain data
type Raw = any;

const copyOf = <T>(value: T): T => structuredClone(value);
const suffix = (c: number) => `x${c}`;

export function scaleCity(raw: Raw, factor: number): Raw {
  if (!Number.isInteger(factor) || factor < 1)
    throw new RangeError(`scale factor must be a whole number ≥ 1, got ${factor}`);
  const city = copyOf(raw);
  delete city.include;
  const copies = Array.from({ length: factor - 1 }, (_, i) => i + 2);

  // data centre: more halls of the same kind, numbered on from the last
  const halls = raw.datacentre.halls;
  city.datacentre.halls = [
    ...copyOf(halls),
    ...copies.flatMap((c) =>
      halls.map((h: Raw, i: number) => ({
        ...copyOf(h),
        id: `h${(c - 1) * halls.length + i + 1}`,
        ...(h.name ? { name: `${h.name} (${c})` } : {}),
      })),
    ),
  ];
  // the pools are shared, so what runs on them grows with them
  for (const w of city.warehouses) w.shards *= factor;
  for (const t of city.tenants)
    for (const r of t.requests) {
      r.cpuCores *= factor;
      r.memoryGiB *= factor;
      if (r.gpus) r.gpus *= factor;
    }

  // network: copies of every district and its wards, backing up within their own copy
  const districts = raw.network.districts;
  city.network.districts = [
    ...copyOf(districts),
    ...copies.flatMap((c) =>
      districts.map((d: Raw) => ({
        ...copyOf(d),
        id: `${d.id}${suffix(c)}`,
        code: `${c}${d.code}`,
        name: `${d.name} (${c})`,
        ...(d.wardBackupVia ? { wardBackupVia: `${d.wardBackupVia}${suffix(c)}` } : {}),
        wards: d.wards.map((w: Raw) => ({ ...copyOf(w), code: `${c}${w.code}`, name: `${w.name} (${c})` })),
      })),
    ),
  ];
  // agencies: copies with their units; per-district branches stay with the originals, which
  // already reach every district (copying them would grow the city quadratically)
  const agencies = raw.agencies;
  city.agencies = [
    ...copyOf(agencies),
    ...copies.flatMap((c) =>
      agencies.map((a: Raw) => ({
        ...copyOf(a),
        id: `${a.id}-${suffix(c)}`,
        name: `${a.name} (${c})`,
        ...(a.nameEn ? { nameEn: `${a.nameEn} (${c})` } : {}),
        unitsPerDistrict: [],
      })),
    ),
  ];
  const catalogue = raw.publicServices.catalogue;
  city.publicServices.catalogue = [
    ...copyOf(catalogue),
    ...copies.flatMap((c) =>
      catalogue.map((b: Raw) => ({
        ...copyOf(b),
        agency: `${b.agency}-${suffix(c)}`,
        ...(b.named
          ? { named: b.named.map((s: Raw) => ({ ...copyOf(s), id: `${s.id}-${suffix(c)}` })) }
          : {}),
      })),
    ),
  ];
  const totals = city.publicServices.totals;
  for (const k of ['total', 'full', 'partial']) totals[k] *= factor;
  city.network.addressing = scaleAddressing(city.network.addressing, factor);
  return city;
}

/** Where the loopback and link pools go when a grown supernet covers them (RFC 1918, RFC 6598). */
const POOL_SPACES = { loopbacks: '172.16.0.0/12', links: '100.64.0.0/10' } as const;

/**
 * The addressing of a city `factor` times larger: the supernet grows by the factor (rounded up
 * to a power of two, at most a /8) around the original, so every pinned block stays inside it;
 * the loopback and link pools, whose addresses the plan derives from a site's slot in the
 * supernet, grow with it — and move to space of their own when the supernet would cover them.
 */
export function scaleAddressing(addressing: Raw, factor: number): Raw {
  if (factor === 1) return addressing;
  const original = parsePrefix(addressing.supernet);
  const length = Math.max(8, original.length - Math.ceil(Math.log2(factor)));
  const size = 2 ** (32 - length);
  const supernet = rangeOf(Math.floor(original.start / size) * size, size);
  const slots = size / 2 ** (32 - Math.max(...(Object.values(addressing.siteSizes) as number[])));
  const needs = { loopbacks: slots, links: slots * 2 * UPLINKS_PER_SITE };
  const pool = (key: keyof typeof POOL_SPACES): string => {
    const current = parsePrefix(addressing[key]);
    if (current.size >= needs[key] && !overlaps(current, supernet)) return addressing[key];
    const space = parsePrefix(POOL_SPACES[key]);
    if (needs[key] > space.size)
      throw new RangeError(
        `a ${factor}x city needs ${needs[key].toLocaleString('en-US')} addresses of ${key}, more than ${POOL_SPACES[key]} holds`,
      );
    return formatPrefix(rangeOf(space.start, nextPowerOfTwo(needs[key])));
  };
  return {
    ...addressing,
    supernet: formatPrefix(supernet),
    loopbacks: pool('loopbacks'),
    links: pool('links'),
  };
}

/** YAML as a person would write it: small mappings of plain values on one line. */
export function toCompactYaml(value: unknown, header: string): string {
  const doc = new Document(value);
  visit(doc, {
    Map(_, map) {
      if (
        map.items.every(
          (p) =>
            isScalar(p.value) ||
            (p.value && !isMap(p.value) && (p.value as { items?: unknown[] }).items?.every(isScalar)),
        )
      )
        map.flow = true;
    },
    Seq(_, seq) {
      if (seq.items.every(isScalar)) seq.flow = true;
    },
  });
  doc.commentBefore = header;
  return doc.toString({ lineWidth: 0 });
}
