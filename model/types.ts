/**
 * The expanded city model: every object individually named, referenced by id, frozen.
 *
 * Each object carries `path`, its place in the inventory (`datacentre.halls[h1].rows[r03].racks[k07]`),
 * so that findings, construct errors and reports can name it the way the inventory does.
 */

export interface CityModel {
  readonly apiVersion: 'citycloud/v1';
  readonly city: City;
  /** The phases of the build-out, in the order the inventory declares them. */
  readonly phases: readonly Phase[];
  readonly serverModels: readonly ServerModel[];
  readonly pools: readonly Pool[];
  readonly datacentre: Datacentre;
  readonly racks: readonly Rack[];
  readonly servers: readonly Server[];
  /** Servers out of service (failed, awaiting their replacement), in the inventory's order. */
  readonly outOfService: readonly OutOfService[];
  readonly warehouses: readonly Warehouse[];
  readonly externalSystems: readonly ExternalSystem[];
  readonly network: Network;
  readonly agencies: readonly Agency[];
  readonly serviceTiers: readonly ServiceTier[];
  /** The report's published totals, which the catalogue must add up to. */
  readonly serviceTotals: ServiceCounts;
  /** The catalogue as declared: per agency, how many services of each mode. */
  readonly serviceCatalogue: readonly ServiceCatalogueBlock[];
  readonly publicServices: readonly PublicService[];
  /** The tenant whose application is the public-services portal, if the inventory names one. */
  readonly portalTenant: string | null;
  readonly tenants: readonly Tenant[];
  readonly terraformState: TerraformState;
  /** The storage classes volumes can ask for, each on one kind of local disk. */
  readonly storageClasses: readonly StorageClass[];
  /** The most resources one Terraform stack may hold. */
  readonly stacks: { readonly maxResources: number; readonly path: string };
  readonly offsite: Offsite;
  readonly residency: Residency;
  readonly secondSite: SecondSite | null;
  readonly runbooks: Runbooks;
  readonly deploy: DeploySettings;
  readonly monitoring: Monitoring;
}

import type { Reviewer } from './allowed-signers.ts';
import type { LockedProvider } from './provider-lock.ts';

/** How a deploy is gated (see model/schema.ts). */
export interface DeploySettings {
  /** Apply only an out/ whose signed review bundle verifies. */
  readonly requireReview: boolean;
  /** The reviewers' OpenSSH allowed-signers file, as the inventory names it (relative to its root file). */
  readonly allowedSigners: string | null;
  /** The signers that file lists (model/allowed-signers.ts): part of what a review reviews. */
  readonly reviewers: readonly Reviewer[];
  /** The providers Terraform's lock file beside the inventory pins (model/provider-lock.ts); null: no lock file. */
  readonly providerLock: readonly LockedProvider[] | null;
  readonly path: string;
}

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** How the runbooks run (see model/maintenance-window.ts for the window). */
export interface Runbooks {
  /** An execution's approver must differ from its operator. */
  readonly fourEyes: boolean;
  /** When upgrade waves may start, in Asia/Ho_Chi_Minh; null: at any time. */
  readonly upgradeWindow: {
    readonly days: readonly Weekday[];
    readonly from: string;
    readonly to: string;
    readonly path: string;
  } | null;
  readonly path: string;
}

export interface Monitoring {
  readonly runbookBaseUrl: string;
  readonly scrapeIntervalSeconds: number;
  readonly shards: number;
  readonly districtIsolatedRatio: number;
  /** Alerts left out of the rules, by name. */
  readonly disabledAlerts: readonly string[];
}

export interface City {
  readonly name: string;
  readonly nameEn: string | null;
  /** General Statistics Office code of the province. */
  readonly code: string;
}

export type DiskKind = 'nvme' | 'ssd' | 'hdd';

export interface ServerModel {
  readonly id: string;
  readonly name: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly gpus: number;
  readonly disks: readonly { readonly kind: DiskKind; readonly sizeGB: number; readonly count: number }[];
  readonly watts: number;
  readonly rackUnits: number;
  readonly path: string;
}

export type PoolKind = 'general' | 'warehouse' | 'gpu' | 'management';
export type Criticality = 'critical' | 'high' | 'normal';

export interface Pool {
  readonly id: string;
  readonly name: string;
  readonly kind: PoolKind;
  readonly criticality: Criticality;
  /** Expected growth of the pool's load, percent a month. */
  readonly growthPercentPerMonth: number;
  /** Dedicated pools run only their own workloads (every kind but `general`). */
  readonly dedicated: boolean;
  /** The phase its servers belong to unless their rack or range says otherwise. */
  readonly phase: string;
  /** How many servers an upgrade may take out at once: a count, or a share of the pool. */
  readonly maxUnavailable: { readonly servers: number } | { readonly percent: number };
  readonly path: string;
}

export interface Datacentre {
  readonly id: string;
  readonly name: string;
  /** The connection point the data centre sits behind. */
  readonly site: string | null;
  readonly halls: readonly Hall[];
}

export interface Hall {
  readonly id: string;
  readonly name: string | null;
  readonly rows: readonly { readonly id: string; readonly racks: readonly string[] }[];
  readonly path: string;
}

export interface Rack {
  /** Full name, `dc1-h1-r03-k07`. */
  readonly name: string;
  readonly id: string;
  readonly datacentre: string;
  readonly hall: string;
  readonly row: string;
  readonly heightU: number;
  readonly powerBudgetW: number;
  readonly path: string;
}

export interface OutOfService {
  readonly server: string;
  readonly reason: string;
  /** YYYY-MM-DD. */
  readonly since: string;
  readonly path: string;
}

export interface Server {
  /** Full name, `dc1-h1-r03-k07-u12`: the rack and the lowest unit the server occupies. */
  readonly name: string;
  readonly rack: string;
  readonly hall: string;
  readonly row: string;
  /** Lowest rack unit occupied (1-based). */
  readonly u: number;
  readonly rackUnits: number;
  readonly model: string;
  readonly pool: string;
  /** The phase of the build-out the server belongs to (see Phase). */
  readonly phase: string;
  readonly path: string;
}

export type WarehouseEngine = 'clickhouse' | 'postgresql';

export interface Resources {
  readonly cpuCores: number;
  readonly memoryGiB: number;
}

/** A phase of the city's build-out: what runs today, what a plan adds. */
export interface Phase {
  readonly id: string;
  readonly name: string;
  readonly status: 'in-service' | 'planned';
  readonly path: string;
}

export interface StorageClass {
  readonly id: string;
  /** The kind of disk its volumes are carved from. */
  readonly disk: DiskKind;
  readonly path: string;
}

export interface Warehouse {
  readonly id: string;
  readonly name: string;
  readonly engine: WarehouseEngine;
  readonly pool: string;
  readonly shards: number;
  readonly replicas: number;
  readonly perReplica: Resources;
  readonly storagePerReplicaTiB: number;
  /** The StorageClass of the replicas' volumes. */
  readonly storageClass: string;
  /** External systems this warehouse's connector exchanges data with. */
  readonly connectsTo: readonly string[];
  /** What it holds: personal data may stay only where the residency policy allows. */
  readonly classification: DataClassification;
  /** Where its backups go. */
  readonly backupTo: 'offsite' | 'second-site';
  /** What its backups promise. */
  readonly backup: BackupPromise;
  /** Expected growth of the data it stores, percent a month. */
  readonly storageGrowthPercentPerMonth: number;
  readonly path: string;
}

export type DataClassification = 'personal' | 'internal' | 'open';

/** What a warehouse's backups promise (schema.ts `backupPromise`), every field resolved. */
export interface BackupPromise {
  /** Full backups, cron's five fields in the city's time: daily, weekly or monthly. */
  readonly schedule: string;
  readonly fullBackupsKept: number;
  readonly pointInTimeDays: number;
  /** The recovery point objective: at most this much of the newest transactions lost. */
  readonly rpoMinutes: number;
  /** The recovery time objective: a shard restored and verified within this. */
  readonly rtoMinutes: number;
  /** The restore drill's schedule, or null: none. */
  readonly drill: string | null;
  /** Where it is said: the warehouse's `backup`, else its classification's `backups.<c>`. */
  readonly path: string;
}

/** Which data may be kept where (ISO 3166-1 country codes). */
export interface Residency {
  readonly country: string;
  readonly personalDataIn: readonly string[];
  readonly path: string;
}

/** The city's own S3-compatible store in the country, for backups that may not leave it. */
export interface SecondSite {
  readonly id: string;
  readonly name: string;
  readonly endpoint: string;
  readonly cidr: string;
  readonly jurisdiction: string;
  /** What it can hold for backups, TiB; null when the inventory does not say. */
  readonly capacityTiB: number | null;
  readonly path: string;
}

export interface ExternalSystem {
  readonly id: string;
  readonly name: string;
  readonly cidr: string;
  readonly ports: readonly number[];
  /** Where the system is (ISO 3166-1). */
  readonly jurisdiction: string;
  readonly path: string;
}

export type PointLevel = 'core' | 'district' | 'ward' | 'agency' | 'unit';
export type LinkRole = 'primary' | 'backup';
export type LinkMedium = 'fiber' | 'microwave' | 'leased-line';

export interface ConnectionPoint {
  readonly id: string;
  readonly name: string;
  readonly level: PointLevel;
  /** The point the primary uplink goes to; null for the core. */
  readonly parent: string | null;
  /** The district hub this point belongs to, if any. */
  readonly district: string | null;
  /** The agency that owns this point, if any. */
  readonly agency: string | null;
  /** General Statistics Office code, for districts and wards. */
  readonly code: string | null;
  /** Administrative type: city, urban-district, rural-district, ward, commune, township. */
  readonly type: string | null;
  readonly path: string;
}

export interface Link {
  /** `<from>--<to>`. */
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly role: LinkRole;
  readonly mbps: number;
  readonly medium: LinkMedium;
  /**
   * Where the link is declared: the point's own uplinks, or the default or wardBackupVia it
   * comes from (shared by every link that default makes).
   */
  readonly path: string;
}

export type PerLevel<T> = { readonly [L in PointLevel]: T };

export interface Addressing {
  readonly supernet: string;
  readonly loopbacks: string;
  readonly links: string;
  readonly siteSizes: PerLevel<number>;
  readonly blockHeadroom: number;
  readonly vlanBase: number;
}

/** A pinned allocation: this id keeps this prefix. */
export interface AddressPin {
  readonly id: string;
  readonly prefix: string;
  readonly path: string;
}

export interface Network {
  readonly points: readonly ConnectionPoint[];
  readonly links: readonly Link[];
  readonly addressing: Addressing;
  readonly addressPins: { readonly blocks: readonly AddressPin[]; readonly sites: readonly AddressPin[] };
  readonly demandMbps: PerLevel<number>;
  readonly maxOversubscription: number;
  /** Expected growth of the sites' traffic, percent a month. */
  readonly demandGrowthPercentPerMonth: number;
  readonly maxBlastRadius: number;
}

export interface Agency {
  readonly id: string;
  readonly name: string;
  readonly nameEn: string | null;
  readonly path: string;
}

export interface ServiceTier {
  readonly id: number;
  readonly name: string;
  /** Availability objective, e.g. 0.999. */
  readonly availability: number;
  readonly path: string;
}

export interface ServiceCounts {
  readonly total: number;
  readonly full: number;
  readonly partial: number;
}

export type ServiceMode = 'full' | 'partial';

/** One block of the catalogue as declared: an agency's counts of fully and partly online services. */
export interface ServiceCatalogueBlock {
  readonly agency: string;
  readonly full: number;
  readonly partial: number;
  /** The tier of the block's services unless a named service says otherwise. */
  readonly tier: number;
  readonly path: string;
}

export interface PublicService {
  readonly id: string;
  readonly name: string;
  readonly agency: string;
  readonly mode: ServiceMode;
  readonly tier: number;
  readonly path: string;
}

export interface TenantRequest {
  readonly pool: string;
  readonly cpuCores: number;
  readonly memoryGiB: number;
  readonly gpus: number;
}

export interface Tenant {
  readonly id: string;
  readonly name: string;
  readonly agency: string;
  /** The phase of the build-out it arrives in: nothing is deployed for it before that is in service. */
  readonly phase: string;
  readonly requests: readonly TenantRequest[];
  /** Warehouses and external systems this tenant may reach; everything else is denied. */
  readonly reaches: readonly string[];
  /** When its load arrived (YYYY-MM-DD), if the inventory says; null when it predates the history. */
  readonly onboarded: string | null;
  /** The tenant's application, when citycloud deploys it. */
  readonly app: TenantApp | null;
  readonly path: string;
}

export interface TenantApp {
  /** Image reference with a tag or digest. */
  readonly image: string;
  readonly port: number;
  /** HTTP path of the readiness, liveness and startup probes. */
  readonly healthPath: string;
  /** What one pod requests. */
  readonly pod: Resources & { readonly gpus: number };
  /** Average CPU use, percent of requests, the autoscaler keeps the pods at. */
  readonly targetCpuPercent: number;
}

/** Where each Terraform stack keeps its state. */
export type TerraformState =
  | { readonly backend: 'local' }
  | {
      readonly backend: 's3';
      readonly bucket: string;
      readonly region: string;
      readonly keyPrefix: string;
      readonly endpoint?: string | undefined;
    }
  | { readonly backend: 'pg'; readonly schemaPrefix: string };

/** The AWS off-site tier: backups of every warehouse and the open-data portal. */
export interface Offsite {
  readonly region: string;
  readonly backupRetentionDays: number;
  readonly infrequentAfterDays: number;
  readonly archiveAfterDays: number;
  readonly noncurrentExpireDays: number;
  /** The country the region is in (ISO 3166-1), or null when the inventory does not say and the region is unknown. */
  readonly jurisdiction: string | null;
  /** The Roles Anywhere trust anchor and profile of the backup agents, if the inventory names them. */
  readonly rolesAnywhere?: { readonly trustAnchorArn: string; readonly profileArn: string } | undefined;
  /** The open-data portal's own name and ACM certificate (us-east-1), if it has them. */
  readonly openDataDomain?: { readonly name: string; readonly certificateArn: string } | undefined;
  readonly path: string;
}
