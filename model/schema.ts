/**
 * The inventory schema: what a city's YAML may say, before expansion.
 *
 * Every object is strict (an unknown key is a finding, with a "did you mean"), every count is
 * an integer with its lower bound, and every id has one shape, so names built from ids are stable.
 */
import { z } from 'zod';

const ID_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

/** A stable identifier: lower-case letters, digits and dashes. */
export const id = z.string().regex(ID_PATTERN, {
  error: 'an id of lower-case letters, digits and dashes, starting with a letter or digit',
});
const name = z.string().min(1, { error: 'a non-empty name' });
const code = z.string().regex(/^[0-9]{2,8}$/, { error: 'a statistics-office code of 2 to 8 digits' });
const count = z.number().int().nonnegative();
const positiveInt = z.number().int().positive();
const positive = z.number().positive();

const uplink = z.strictObject({
  /** The connection point this link goes to. */
  to: id,
  role: z.enum(['primary', 'backup']),
  mbps: positive,
  medium: z.enum(['fiber', 'microwave', 'leased-line']),
});

const rackDefaults = z.strictObject({
  heightU: positiveInt.max(60).optional(),
  powerBudgetW: positiveInt.optional(),
});

const serverRange = z.strictObject({
  /** Lowest rack unit of the first server; the others stack upwards. */
  u: positiveInt,
  count: positiveInt,
  model: id,
  pool: id,
});

const rack = z.strictObject({
  id,
  heightU: positiveInt.max(60).optional(),
  powerBudgetW: positiveInt.optional(),
  servers: z.array(serverRange).default([]),
});

const row = z.strictObject({
  id,
  rackDefaults: rackDefaults.optional(),
  racks: z.array(rack),
});

const hall = z.strictObject({
  id,
  name: name.optional(),
  rackDefaults: rackDefaults.optional(),
  rows: z.array(row),
});

const serverModel = z.strictObject({
  id,
  name,
  cores: positiveInt,
  memoryGiB: positiveInt,
  gpus: count.default(0),
  disks: z.array(
    z.strictObject({ kind: z.enum(['nvme', 'ssd', 'hdd']), sizeGB: positive, count: positiveInt }),
  ),
  watts: positiveInt,
  rackUnits: positiveInt.max(10),
});

const pool = z.strictObject({
  id,
  name,
  kind: z.enum(['general', 'warehouse', 'gpu', 'management']),
  criticality: z.enum(['critical', 'high', 'normal']),
});

const datacentre = z.strictObject({
  id,
  name,
  site: id.optional(),
  rackDefaults: z.strictObject({ heightU: positiveInt.max(60).default(42), powerBudgetW: positiveInt }),
  halls: z.array(hall),
});

const warehouse = z.strictObject({
  id,
  name,
  engine: z.enum(['clickhouse', 'postgresql']),
  pool: id,
  shards: positiveInt,
  replicas: positiveInt,
  perReplica: z.strictObject({ cpuCores: positive, memoryGiB: positive }),
  storagePerReplicaTiB: positive,
  connectsTo: z.array(id).default([]),
});

const externalSystem = z.strictObject({
  id,
  name,
  cidr: z.cidrv4({ error: 'an IPv4 prefix such as 192.0.2.0/28' }),
  ports: z.array(positiveInt.max(65535)).min(1),
});

const namedUnit = z.strictObject({ id, name, uplinks: z.array(uplink).optional() });
/** A unit template: `{district}` in its name becomes the district's name. */
const unitTemplate = z.strictObject({ id, name });

const ward = z.strictObject({
  code,
  name,
  type: z.enum(['ward', 'commune', 'township']),
  uplinks: z.array(uplink).optional(),
});

const district = z.strictObject({
  id,
  code,
  name,
  type: z.enum(['city', 'urban-district', 'rural-district']),
  /** The neighbouring hub that carries the wards' backup uplinks. */
  wardBackupVia: id.optional(),
  uplinks: z.array(uplink).optional(),
  wards: z.array(ward),
  /** Units of this district beyond network.districtUnits. */
  units: z.array(namedUnit).default([]),
});

const network = z.strictObject({
  core: z.array(z.strictObject({ id, name, uplinks: z.array(uplink).optional() })).min(1),
  uplinkDefaults: z.strictObject({
    district: z.array(uplink).min(1),
    agency: z.array(uplink).min(1),
    ward: z.strictObject({ mbps: positive, backupMbps: positive, medium: uplink.shape.medium }),
    unit: z.strictObject({ mbps: positive, medium: uplink.shape.medium }),
  }),
  districtUnits: z.array(unitTemplate).default([]),
  districts: z.array(district),
});

const agency = z.strictObject({
  id,
  name,
  nameEn: name.optional(),
  uplinks: z.array(uplink).optional(),
  units: z.array(namedUnit).default([]),
  unitsPerDistrict: z.array(unitTemplate).default([]),
});

const serviceCounts = z.strictObject({ total: count, full: count, partial: count });

const publicServices = z.strictObject({
  totals: serviceCounts,
  tiers: z.array(z.strictObject({ id: positiveInt, name, availability: z.number().gt(0).lt(1) })).min(1),
  catalogue: z.array(
    z.strictObject({
      agency: id,
      full: count,
      partial: count,
      tier: positiveInt,
      named: z
        .array(z.strictObject({ id, name, mode: z.enum(['full', 'partial']), tier: positiveInt.optional() }))
        .default([]),
    }),
  ),
});

const tenant = z.strictObject({
  id,
  name,
  agency: id,
  requests: z.array(
    z.strictObject({
      pool: id,
      cpuCores: z.number().nonnegative(),
      memoryGiB: z.number().nonnegative(),
      gpus: count.default(0),
    }),
  ),
  reaches: z.array(id).default([]),
});

/** The whole inventory, after the root file and its includes are merged. */
export const inventorySchema = z.strictObject({
  apiVersion: z.literal('citycloud/v1'),
  city: z.strictObject({ name, nameEn: name.optional(), code }),
  include: z.array(z.string()).default([]),
  serverModels: z.array(serverModel),
  pools: z.array(pool),
  datacentre,
  warehouses: z.array(warehouse),
  externalSystems: z.array(externalSystem).default([]),
  network,
  agencies: z.array(agency),
  publicServices,
  tenants: z.array(tenant).default([]),
});

export type Inventory = z.output<typeof inventorySchema>;
export type InventoryUplink = z.output<typeof uplink>;

/** The top-level sections, in the order the schema declares them. */
export const SECTIONS = Object.keys(inventorySchema.shape) as readonly (keyof Inventory)[];
