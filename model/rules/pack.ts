/** The city rule pack: each rule with its id, level, and why it matters. */
import type { Level } from '../finding.ts';
import { addressContainment } from './address-containment.ts';
import { addressExhaustion } from './address-exhaustion.ts';
import { addressOverlap } from './address-overlap.ts';
import { appFitsItsRequest } from './app-fits-its-request.ts';
import { backupPromises } from './backup-promises.ts';
import { districtBlastRadius } from './district-blast-radius.ts';
import { linkSanity } from './link-sanity.ts';
import { offsiteBackupCredentials } from './offsite-backup-credentials.ts';
import { offsiteBackupLifecycle } from './offsite-backup-lifecycle.ts';
import { personalDataResidency } from './personal-data-residency.ts';
import { plannedPoolUse } from './planned-pool-use.ts';
import { pointPathToCore } from './point-path-to-core.ts';
import { poolCapacityHeadroom } from './pool-capacity-headroom.ts';
import { rackPowerBudget } from './rack-power-budget.ts';
import { rackUnitsFit } from './rack-units-fit.ts';
import { referencesResolve } from './references-resolve.ts';
import type { Rule } from './rule.ts';
import { serviceCounts } from './service-counts.ts';
import { sitePathRedundancy } from './site-path-redundancy.ts';
import { stackResourceBound } from './stack-resource-bound.ts';
import { transitSinglePointOfFailure } from './transit-single-point-of-failure.ts';
import { uniqueIds } from './unique-ids.ts';
import { uplinkOversubscription } from './uplink-oversubscription.ts';
import { warehouseHallSpread } from './warehouse-hall-spread.ts';
import { warehouseReplicaFits } from './warehouse-replica-fits.ts';
import { warehouseReplicaSpread } from './warehouse-replica-spread.ts';
import { warehouseVolumeFits } from './warehouse-volume-fits.ts';

export interface PackEntry {
  readonly id: string;
  /** The rule's file name. */
  readonly name: string;
  readonly level: Level;
  readonly rule: Rule;
  readonly why: string;
  /**
   * The rule judges what the servers can hold or where they are: it is run on what is in service
   * too (model/phases.ts), so a plan's servers never stand in for ones that run today.
   */
  readonly inService?: true;
}

export const CITY_PACK: readonly PackEntry[] = [
  {
    id: 'CC001',
    name: 'unique-ids',
    level: 'error',
    rule: uniqueIds,
    why: 'Names are built from ids and resources are addressed by name; a repeated id makes two objects one.',
  },
  {
    id: 'CC002',
    name: 'references-resolve',
    level: 'error',
    rule: referencesResolve,
    why: 'A reference to nothing becomes a server without a pool, a link to nowhere, a service without an owner.',
  },
  {
    id: 'CC003',
    name: 'rack-units-fit',
    level: 'error',
    rule: rackUnitsFit,
    why: 'A server above the rack top or in an occupied slot cannot be installed as written.',
  },
  {
    id: 'CC004',
    name: 'rack-power-budget',
    level: 'error',
    rule: rackPowerBudget,
    why: 'A rack over its power budget trips its feeds under load and takes every server in it down.',
  },
  {
    id: 'CC005',
    name: 'pool-capacity-headroom',
    level: 'error',
    rule: poolCapacityHeadroom,
    why: 'Without room for its largest rack or an upgrade wave to be out, losing a rack (or upgrading) leaves workloads unschedulable.',
    inService: true,
  },
  {
    id: 'CC006',
    name: 'warehouse-replica-spread',
    level: 'error',
    rule: warehouseReplicaSpread,
    why: 'Replicas in one rack fail together; a rack outage would take whole shards of a warehouse offline.',
    inService: true,
  },
  {
    id: 'CC007',
    name: 'point-path-to-core',
    level: 'error',
    rule: pointPathToCore,
    why: 'A connection point with no path to the core cannot reach any e-government system.',
  },
  {
    id: 'CC008',
    name: 'service-counts',
    level: 'error',
    rule: serviceCounts,
    why: 'The catalogue is the published list of online services; its counts must match what the city reports.',
  },
  {
    id: 'CC009',
    name: 'link-sanity',
    level: 'error',
    rule: linkSanity,
    why: 'A link to itself or a second link between the same two points is a typo that hides the real topology.',
  },
  {
    id: 'CC010',
    name: 'transit-single-point-of-failure',
    level: 'error',
    rule: transitSinglePointOfFailure,
    why: 'A hub or department site on a single point of failure takes every ward and unit behind it down with it.',
  },
  {
    id: 'CC011',
    name: 'site-path-redundancy',
    level: 'warning',
    rule: sitePathRedundancy,
    why: 'A ward office with one path to the core stops serving citizens at the first cut fibre.',
  },
  {
    id: 'CC012',
    name: 'district-blast-radius',
    level: 'warning',
    rule: districtBlastRadius,
    why: 'The more points hang on one hub alone, the more of the city one hub outage silences.',
  },
  {
    id: 'CC013',
    name: 'uplink-oversubscription',
    level: 'warning',
    rule: uplinkOversubscription,
    why: 'An uplink carrying more than its capacity at peak drops traffic for every site behind it.',
  },
  {
    id: 'CC014',
    name: 'address-overlap',
    level: 'error',
    rule: addressOverlap,
    why: 'One prefix handed to two sites breaks routing for both; NetBox nests prefixes and does not catch it.',
  },
  {
    id: 'CC015',
    name: 'address-containment',
    level: 'error',
    rule: addressContainment,
    why: 'An allocation outside its block is not routed by the district that should carry it.',
  },
  {
    id: 'CC016',
    name: 'address-exhaustion',
    level: 'error',
    rule: addressExhaustion,
    why: 'A site without addresses cannot be brought up; the block must grow before the site is added.',
  },
  {
    id: 'CC017',
    name: 'warehouse-replica-fits',
    level: 'error',
    rule: warehouseReplicaFits,
    why: 'A replica is one pod: larger than every server of its pool, it is never scheduled and its shard never starts.',
    inService: true,
  },
  {
    id: 'CC018',
    name: 'app-fits-its-request',
    level: 'error',
    rule: appFitsItsRequest,
    why: 'An app whose request cannot hold the pods its availability needs is refused at synth, or runs without surviving a lost pod.',
    inService: true,
  },
  {
    id: 'CC019',
    name: 'offsite-backup-lifecycle',
    level: 'error',
    rule: offsiteBackupLifecycle,
    why: 'A lifecycle that skips or shortens Glacier Instant Retrieval cannot be built, and would be billed for days the backups did not stay.',
  },
  {
    id: 'CC020',
    name: 'warehouse-volume-fits',
    level: 'error',
    rule: warehouseVolumeFits,
    why: 'A local volume lives on one server: larger than that server’s disks of its class, the replica is never scheduled.',
    inService: true,
  },
  {
    id: 'CC021',
    name: 'warehouse-hall-spread',
    level: 'warning',
    rule: warehouseHallSpread,
    why: 'A hall shares its power and cooling: a warehouse in one hall is lost whole with it, whatever its rack spread.',
    inService: true,
  },
  {
    id: 'CC022',
    name: 'personal-data-residency',
    level: 'error',
    rule: personalDataResidency,
    why: 'Citizens’ personal data may be kept only where the law allows (Viet Nam’s Decree 13/2023 on personal data); a backup abroad is a transfer abroad.',
  },
  {
    id: 'CC023',
    name: 'stack-resource-bound',
    level: 'error',
    rule: stackResourceBound,
    why: 'Terraform plans a state in time that grows with its resources (thousands take tens of minutes), and one state fails as one.',
  },
  {
    id: 'CC024',
    name: 'planned-pool-use',
    level: 'error',
    rule: plannedPoolUse,
    why: 'A planned pool has no servers yet: a quota on it promises capacity no Node has, and a workload placed on it is never scheduled.',
  },
  {
    id: 'CC025',
    name: 'backup-promises',
    level: 'error',
    rule: backupPromises,
    why: 'A point-in-time window longer than the full backups kept cannot be restored, a schedule citycloud cannot read cannot be checked or watched, and a backup of personal data nobody restores may not restore when it is needed.',
  },
  {
    id: 'CC026',
    name: 'offsite-backup-credentials',
    level: 'error',
    rule: offsiteBackupCredentials,
    why: 'An off-site backup is written with the role IAM Roles Anywhere gives the warehouse’s backup agent: without the trust anchor and profile its shards get no credentials and no backup is configured, while its bucket waits for backups that never come.',
  },
];
