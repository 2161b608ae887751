/**
 * The inventory schema: what a city's YAML may say, before expansion.
 *
 * Every object is strict (an unknown key is a finding, with a "did you mean"), every count is
 * an integer with its lower bound, and every id has one shape, so names built from ids are stable.
 */
import { z } from 'zod';

/** The tallest rack there is: no rack holds more units, or more servers, than this. */
export const MAX_RACK_UNITS = 60;

const ID_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

/** A stable identifier: lower-case letters, digits and dashes; at most 63 (a Kubernetes label value). */
export const id = z
  .string()
  .regex(ID_PATTERN, {
    error: 'an id of lower-case letters, digits and dashes, starting with a letter or digit',
  })
  .max(63);
/** Longest name: Vietnamese unit names run to about 80 characters; a page title or a tag must hold it. */
export const MAX_NAME_LENGTH = 120;
const name = z.string().min(1, { error: 'a non-empty name' }).max(MAX_NAME_LENGTH);
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
  heightU: positiveInt.max(MAX_RACK_UNITS).optional(),
  powerBudgetW: positiveInt.optional(),
});

/**
 * A phase of the city's build-out: `2023` is what the 2023 report says runs today, `2024-plan`
 * what the 2024 plan adds. Servers take the phase of their range, else their rack, else their pool.
 */
const phase = z.strictObject({
  id,
  name,
  status: z.enum(['in-service', 'planned']),
});

/** Without a `phases` section, everything is in service in one phase. */
export const DEFAULT_PHASES = [{ id: 'in-service', name: 'In service', status: 'in-service' }] as const;

const serverRange = z.strictObject({
  /** Lowest rack unit of the first server; the others stack upwards. */
  u: positiveInt.max(MAX_RACK_UNITS),
  /** Servers in the range: a rack of 60 units holds at most 60 (CC003 checks against its height). */
  count: positiveInt.max(MAX_RACK_UNITS),
  model: id,
  pool: id,
  /** The phase these servers belong to (default: the rack's, else the pool's). */
  phase: id.optional(),
});

const rack = z.strictObject({
  id,
  /** The phase of the rack's servers (default: their pool's). */
  phase: id.optional(),
  heightU: positiveInt.max(MAX_RACK_UNITS).optional(),
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
  /** The phase the pool's servers belong to (default: the first phase). */
  phase: id.optional(),
  /** Expected growth of the pool's load, percent a month (drives the simulated trend). */
  growthPercentPerMonth: z.number().min(0).max(100).default(2),
  /**
   * How many of the pool's servers an upgrade may take out at once: a count, or a share such as
   * "10%" (rounded down, at least one). The pool keeps at least this many servers spare.
   */
  maxUnavailable: z
    .union([
      positiveInt.max(100_000),
      z.string().regex(/^(100|[1-9][0-9]?)%$/, { error: 'a share from 1% to 100%, such as "10%"' }),
    ])
    .default('10%'),
});

const datacentre = z.strictObject({
  id,
  name,
  site: id.optional(),
  rackDefaults: z.strictObject({
    heightU: positiveInt.max(MAX_RACK_UNITS).default(42),
    powerBudgetW: positiveInt,
  }),
  halls: z.array(hall),
});

/** A Kubernetes StorageClass of local disks: which kind of disk its volumes are carved from. */
const storageClass = z.strictObject({
  id,
  /** The kind of disk (serverModels[].disks[].kind) the class's volumes live on. */
  disk: z.enum(['nvme', 'ssd', 'hdd']),
});

/** The local storage classes every city has unless it declares its own. */
export const DEFAULT_STORAGE_CLASSES = [
  { id: 'local-nvme', disk: 'nvme' },
  { id: 'local-ssd', disk: 'ssd' },
  { id: 'local-hdd', disk: 'hdd' },
] as const;

/** An ISO 3166-1 country code: where a store or a system is, in law. */
const jurisdiction = z.string().regex(/^[A-Z]{2}$/, { error: 'an ISO 3166-1 country code such as VN' });

/** Which data may be kept where. */
const residency = z.strictObject({
  /** The city's own country. */
  country: jurisdiction,
  /** Where personal data (citizens' records) may be stored, backed up or sent. */
  personalDataIn: z.array(jurisdiction).min(1),
});

/** The city's own second site: an S3-compatible object store in the country, for backups that may not leave. */
const secondSite = z.strictObject({
  id,
  name,
  /** The store's S3 endpoint. */
  endpoint: z.url({ protocol: /^https$/, error: 'an https:// URL of the S3 endpoint' }),
  /** The network its endpoint answers on, for the backup agents' egress policy. */
  cidr: z.cidrv4({ error: 'an IPv4 prefix such as 10.48.0.0/24' }),
  jurisdiction,
  /** What the store can hold for the city's backups, TiB (the capacity review says when it fills); none: not said. */
  capacityTiB: positive.optional(),
});

/**
 * A schedule in cron's five fields, in the city's time: daily (`M H * * *`), weekly (`M H * * D`,
 * D 0–6 from Sunday) or monthly (`M H D * *`): the promises made on it are checked against its
 * period (CC025), which these forms have one of.
 */
export const BACKUP_SCHEDULE = /^(\d{1,2}) (\d{1,2}) (\*|\d{1,2}) \* (\*|[0-6])$/;
const schedule = z.string().regex(BACKUP_SCHEDULE, {
  error: 'a daily (M H * * *), weekly (M H * * D) or monthly (M H D * *) schedule, e.g. "0 1 * * *"',
});

/**
 * What a warehouse's backups promise (every field may be left to its classification's, and those
 * to citycloud's defaults): full backups on `schedule`, the last `fullBackupsKept` of them kept,
 * any point of the last `pointInTimeDays` restorable, at most `rpoMinutes` of transactions lost
 * (WAL archived at least that often), restored within `rtoMinutes`, and a restore drill on
 * `drill` (false: none).
 */
const backupPromise = z.strictObject({
  schedule: schedule.optional(),
  fullBackupsKept: positiveInt.max(400).optional(),
  pointInTimeDays: positiveInt.max(400).optional(),
  rpoMinutes: z.number().int().min(1).max(1440).optional(),
  rtoMinutes: z.number().int().min(5).max(10_080).optional(),
  drill: z.union([schedule, z.literal(false)]).optional(),
});

const warehouse = z.strictObject({
  id,
  name,
  engine: z.enum(['clickhouse', 'postgresql']),
  pool: id,
  shards: positiveInt.max(10_000),
  replicas: positiveInt.max(15),
  perReplica: z.strictObject({ cpuCores: positive, memoryGiB: positive }),
  storagePerReplicaTiB: positive,
  /** The Kubernetes StorageClass of the replicas' volumes (local disks: the rack matters). */
  storageClass: id.default('local-nvme'),
  connectsTo: z.array(id).default([]),
  /** What the warehouse holds: personal data (citizens' records) may stay only where residency allows. */
  classification: z.enum(['personal', 'internal', 'open']).default('internal'),
  /** Where its backups go: the AWS off-site tier, or the city's own second site. */
  backupTo: z.enum(['offsite', 'second-site']).default('offsite'),
  /** What its backups promise, where it differs from its classification's (`backups`). */
  backup: backupPromise.optional(),
  /** Expected growth of the data it stores, percent a month (default: its pool's growth). */
  storageGrowthPercentPerMonth: z.number().min(0).max(100).optional(),
});

const externalSystem = z.strictObject({
  id,
  name,
  /** Where the system is (default: the city's own country). */
  jurisdiction: jurisdiction.optional(),
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

const prefixLength = z.number().int().min(8).max(32);
const ipv4Prefix = z.cidrv4({ error: 'an IPv4 prefix such as 10.32.0.0/11' });
const perLevel = <T extends z.ZodType>(t: T) =>
  z.strictObject({ core: t, district: t, agency: t, ward: t, unit: t });

const addressing = z.strictObject({
  /** Where site subnets come from: a block per district, one for the city level. */
  supernet: ipv4Prefix,
  /** One /32 per site, derived from the site's place in the supernet. */
  loopbacks: ipv4Prefix,
  /** Point-to-point /31s for the uplinks, derived from the site's place in the supernet. */
  links: ipv4Prefix,
  /** Prefix length of a site's subnet, by level. */
  siteSizes: perLevel(prefixLength),
  /** A new block is sized for its sites' addresses times this, rounded up to a power of two. */
  blockHeadroom: z.number().min(1).default(2),
  /** VLAN id of a site: vlanBase + its slot in the block. */
  vlanBase: z.number().int().min(2).max(4000).default(100),
});

const network = z.strictObject({
  core: z.array(z.strictObject({ id, name, uplinks: z.array(uplink).optional() })).min(1),
  addressing,
  /** Traffic a site of each level sends towards the core at peak, for the oversubscription check. */
  demandMbps: perLevel(z.number().nonnegative()),
  /** Largest allowed ratio of the demand behind an uplink to its capacity. */
  maxOversubscription: z.number().positive().default(1),
  /** Expected growth of that traffic, percent a month. */
  demandGrowthPercentPerMonth: z.number().min(0).max(100).default(0),
  /** Largest number of points one district hub's failure may cut off from the core. */
  maxBlastRadius: z.number().int().positive().default(60),
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

/** More public services than a country has (Viet Nam's national portal lists a few thousand). */
const serviceCount = count.max(100_000);
const serviceCounts = z.strictObject({ total: serviceCount, full: serviceCount, partial: serviceCount });

const publicServices = z.strictObject({
  totals: serviceCounts,
  /** The tenant whose application is the portal citizens file the services through. */
  portalTenant: id.optional(),
  tiers: z.array(z.strictObject({ id: positiveInt, name, availability: z.number().gt(0).lt(1) })).min(1),
  catalogue: z.array(
    z.strictObject({
      agency: id,
      full: serviceCount,
      partial: serviceCount,
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
  /** The phase of the build-out the tenant arrives in (default: the first phase). */
  phase: id.optional(),
  requests: z.array(
    z.strictObject({
      pool: id,
      cpuCores: z.number().nonnegative(),
      memoryGiB: z.number().nonnegative(),
      gpus: count.default(0),
    }),
  ),
  reaches: z.array(id).default([]),
  /** When the tenant's load arrived (YYYY-MM-DD), if it is recent: a step in its pools' history. */
  onboarded: z.iso.date({ error: 'a date such as 2026-11-01' }).optional(),
  /** The tenant's application, when citycloud deploys it: image, port, probes' path, pod size. */
  app: z
    .strictObject({
      image: z.string().regex(/^[a-z0-9.\-/:]+[:@][A-Za-z0-9_.\-:]+$/, {
        error: 'an image reference with a tag or digest, e.g. registry.hcmc.gov.vn/egov/edoc:4.2.1',
      }),
      port: positiveInt.max(65535).default(8080),
      /** An absolute URL path (RFC 3986 characters only: no spaces, quotes, braces or backslashes). */
      healthPath: z
        .string()
        .max(200)
        .regex(/^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*$/, {
          error:
            "an absolute URL path such as /healthz (letters, digits and - . _ ~ ! $ & ' ( ) * + , ; = : @ % / ?)",
        })
        .default('/healthz'),
      pod: z.strictObject({ cpuCores: positive, memoryGiB: positive, gpus: count.default(0) }),
      /** Average CPU use, percent of requests, the autoscaler keeps the pods at. */
      targetCpuPercent: positiveInt.max(100).default(70),
    })
    .optional(),
});

/** Where each Terraform stack keeps its state: local files by default, or a shared backend. */
const terraformState = z.discriminatedUnion('backend', [
  z.strictObject({ backend: z.literal('local') }),
  z.strictObject({
    backend: z.literal('s3'),
    bucket: id,
    region: id,
    /** The key of a stack's state is `<keyPrefix>/<stack>.tfstate`. */
    keyPrefix: z
      .string()
      .regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, {
        error: 'a key prefix of letters, digits, . _ - separated by /, such as citycloud/prod',
      })
      .max(200)
      .default('citycloud'),
    /** An S3-compatible store in the data centre (e.g. MinIO), instead of AWS. */
    endpoint: z.url().optional(),
  }),
  z.strictObject({
    backend: z.literal('pg'),
    /** Each stack's state lives in schema `<schemaPrefix>_<stack>`; the connection string comes from PG_CONN_STR. */
    schemaPrefix: id.default('citycloud'),
  }),
]);

/** What the city keeps outside its data centre (the AWS off-site tier). */
const offsite = z
  .strictObject({
    region: id.default('ap-southeast-1'),
    /** The country the region is in (default: known for AWS's regions, e.g. SG for ap-southeast-1). */
    jurisdiction: jurisdiction.optional(),
    /** Object-lock retention of every backup (compliance mode: nobody can delete earlier). */
    backupRetentionDays: positiveInt.max(3650).default(35),
    /** Backups move to Glacier Instant Retrieval after this many days, to Deep Archive after the next. */
    infrequentAfterDays: positiveInt.default(30),
    archiveAfterDays: positiveInt.default(120),
    /** Older versions of a backup are deleted this many days after they are replaced. */
    noncurrentExpireDays: positiveInt.default(365),
    /**
     * The IAM Roles Anywhere trust anchor (the city's CA) and profile the warehouses' backup agents
     * authenticate through, made once by the city's PKI team (their ids are AWS's); required when a
     * warehouse backs up off-site (CC026): without, its shards would get no credentials and no
     * backup configuration.
     */
    rolesAnywhere: z
      .strictObject({
        trustAnchorArn: z
          .string()
          .regex(/^arn:aws[a-z-]*:rolesanywhere:[a-z0-9-]+:\d{12}:trust-anchor\/[0-9a-f-]{36}$/, {
            error:
              'the ARN of a Roles Anywhere trust anchor, arn:aws:rolesanywhere:<region>:<account>:trust-anchor/<id>',
          }),
        profileArn: z
          .string()
          .regex(/^arn:aws[a-z-]*:rolesanywhere:[a-z0-9-]+:\d{12}:profile\/[0-9a-f-]{36}$/, {
            error:
              'the ARN of a Roles Anywhere profile, arn:aws:rolesanywhere:<region>:<account>:profile/<id>',
          }),
      })
      .optional(),
    /** The open-data portal's own name and ACM certificate (us-east-1); without, the cloudfront.net name. */
    openDataDomain: z
      .strictObject({
        name: z.hostname({ error: 'a host name such as data.hcmc.gov.vn' }),
        certificateArn: z.string().regex(/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]+$/, {
          error: 'the ARN of an ACM certificate in us-east-1',
        }),
      })
      .optional(),
  })
  .superRefine((o, ctx) => {
    // the helper signs for the trust anchor's region and account: the profile and role must be there
    const where = (arn: string) => arn.split(':').slice(3, 5).join(':');
    if (o.rolesAnywhere && where(o.rolesAnywhere.trustAnchorArn) !== where(o.rolesAnywhere.profileArn))
      ctx.addIssue({
        code: 'custom',
        path: ['rolesAnywhere', 'profileArn'],
        message: `the profile is in ${where(o.rolesAnywhere.profileArn)}, the trust anchor in ${where(o.rolesAnywhere.trustAnchorArn)}: expected one region and account`,
      });
    if (o.rolesAnywhere && where(o.rolesAnywhere.trustAnchorArn).split(':')[0] !== o.region)
      ctx.addIssue({
        code: 'custom',
        path: ['rolesAnywhere', 'trustAnchorArn'],
        message: `the trust anchor is in ${where(o.rolesAnywhere.trustAnchorArn).split(':')[0]}, the off-site tier in ${o.region}: expected the off-site region`,
      });
  });

/** The runbooks of this repository as the city's git host serves them. */
export const DEFAULT_RUNBOOK_BASE_URL =
  'https://git.hcmc.gov.vn/citycloud/citycloud/-/blob/main/runbooks/alerts.md';

/** How the city is watched: scrape cadence, sharding, thresholds, where the runbooks are. */
const monitoring = z.strictObject({
  /**
   * Where the alert runbooks are read; an alert's runbook_url is this plus `#<alert>`. Absolute:
   * Alertmanager and a pager open it as it is, with nothing to resolve a relative path against.
   */
  runbookBaseUrl: z
    .string()
    .max(500)
    .regex(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*)?$/, {
      error: `an absolute http(s) URL a pager can open, without spaces, quotes, braces or a #fragment, such as ${DEFAULT_RUNBOOK_BASE_URL}`,
    })
    .default(DEFAULT_RUNBOOK_BASE_URL),
  scrapeIntervalSeconds: positiveInt.max(300).default(30),
  /**
   * Prometheus servers the scraping is split over (hashmod on the target's address and path),
   * federated by a global one that evaluates the aggregate alerts.
   */
  shards: positiveInt.max(64).default(1),
  /** Share of a district's points down at once that counts as the district isolated. */
  districtIsolatedRatio: z.number().gt(0).lte(1).default(0.5),
  /**
   * Alerts the city does not run, by name (e.g. NodeBondingDegraded where bonds are watched by
   * another system): left out of the rules and their tests. `citycloud diff` reports each as an
   * alert removed.
   */
  disabledAlerts: z
    .array(
      z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/, { error: 'an alert name, such as NodeBondingDegraded' }),
    )
    .default([]),
});

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const clock = z
  .string()
  .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$/, { error: 'a time HH:MM, such as 22:00' });

/**
 * How a deploy is gated: with `requireReview`, `citycloud deploy --approve` applies only an out/
 * that a signed review bundle (citycloud diff --evidence) verifies, signed by a key listed in
 * `allowedSigners` (an OpenSSH allowed-signers file, relative to the root inventory file).
 */
const deploy = z
  .strictObject({
    requireReview: z.boolean().default(false),
    allowedSigners: z.string().min(1).optional(),
  })
  .refine((d) => !d.requireReview || d.allowedSigners !== undefined, {
    error: 'requireReview needs allowedSigners: the OpenSSH allowed-signers file of the reviewers',
    path: ['allowedSigners'],
  });

/** How the runbooks run: who approves, and when an upgrade may take servers out. */
const runbooks = z.strictObject({
  /** The approver of an execution must be someone other than its operator. */
  fourEyes: z.boolean().default(false),
  upgrade: z
    .strictObject({
      /**
       * When a wave may start, in the city's time zone (Asia/Ho_Chi_Minh): on these days, from
       * `from` to `to`; a window past midnight (22:00–05:00) belongs to the day it starts on.
       */
      window: z
        .strictObject({
          days: z
            .array(z.enum(DAYS))
            .min(1)
            .default([...DAYS]),
          from: clock,
          to: clock,
        })
        .optional(),
    })
    .default({}),
});

/** Allocations that stay where they are whatever is added: block and site prefixes by id. */
const addressPins = z.strictObject({
  blocks: z.record(id, ipv4Prefix).default({}),
  sites: z.record(id, ipv4Prefix).default({}),
});

/** The whole inventory, after the root file and its includes are merged. */
/**
 * A server out of service: failed, and awaiting (or being swapped for) its replacement. It keeps
 * its name and its addresses; nothing is deployed to it, watched on it or upgraded on it until it
 * is taken off this list (the built-in runbook replace-server does both).
 */
const outOfService = z.strictObject({
  /** The server's full name, `dc1-h1-r03-k07-u12`. */
  server: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'a server name such as dc1-h1-r03-k07-u12' }),
  /** Why, for whoever reads the inventory: the fault, the ticket. */
  reason: name,
  /** The day it was taken out (YYYY-MM-DD). */
  since: z.iso.date({ error: 'a date such as 2026-12-05' }),
});

export const inventorySchema = z.strictObject({
  apiVersion: z.literal('citycloud/v1'),
  city: z.strictObject({ name, nameEn: name.optional(), code }),
  include: z.array(z.string()).default([]),
  phases: z
    .array(phase)
    .min(1)
    .default(DEFAULT_PHASES.map((p) => ({ ...p }))),
  serverModels: z.array(serverModel),
  storageClasses: z.array(storageClass).default(DEFAULT_STORAGE_CLASSES.map((c) => ({ ...c }))),
  pools: z.array(pool),
  datacentre,
  outOfService: z.array(outOfService).default([]),
  warehouses: z.array(warehouse),
  /** What the backups of each classification's warehouses promise (the defaults: BACKUP_DEFAULTS). */
  backups: z
    .strictObject({
      personal: backupPromise.optional(),
      internal: backupPromise.optional(),
      open: backupPromise.optional(),
    })
    .default({}),
  externalSystems: z.array(externalSystem).default([]),
  network,
  agencies: z.array(agency),
  publicServices,
  tenants: z.array(tenant).default([]),
  terraformState: terraformState.default({ backend: 'local' }),
  /**
   * How large a Terraform stack may grow: plan time grows with the resources in one state, and a
   * state is a blast radius. The platform has a stack per row of racks, a warehouse a stack per
   * group of shards, each within this bound.
   */
  stacks: z
    .strictObject({ maxResources: positiveInt.min(150).max(20_000).default(500) })
    .default({ maxResources: 500 }),
  residency: residency.default({ country: 'VN', personalDataIn: ['VN'] }),
  secondSite: secondSite.optional(),
  offsite: offsite.default({
    region: 'ap-southeast-1',
    backupRetentionDays: 35,
    infrequentAfterDays: 30,
    archiveAfterDays: 120,
    noncurrentExpireDays: 365,
  }),
  addressPins: addressPins.default({ blocks: {}, sites: {} }),
  runbooks: runbooks.default({ fourEyes: false, upgrade: {} }),
  deploy: deploy.default({ requireReview: false }),
  monitoring: monitoring.default({
    runbookBaseUrl: DEFAULT_RUNBOOK_BASE_URL,
    scrapeIntervalSeconds: 30,
    shards: 1,
    districtIsolatedRatio: 0.5,
    disabledAlerts: [],
  }),
});

export type Inventory = z.output<typeof inventorySchema>;
export type InventoryUplink = z.output<typeof uplink>;

/** The top-level sections, in the order the schema declares them. */
export const SECTIONS = Object.keys(inventorySchema.shape) as readonly (keyof Inventory)[];
