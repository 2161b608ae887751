/** The audit's risk rules, each with its id, level, and why what it finds matters. */
import { accessBroadened } from './access-broadened.ts';
import { addition } from './addition.ts';
import { backupProtectionReduced } from './backup-protection-reduced.ts';
import { drift } from './drift.ts';
import { fourEyesOff } from './four-eyes-off.ts';
import { inPlaceUpdate } from './in-place-update.ts';
import { moduleSourceChanged } from './module-source-changed.ts';
import { monitoringLoosened } from './monitoring-loosened.ts';
import { networkAccessWidened } from './network-access-widened.ts';
import { newlyPublic } from './newly-public.ts';
import { otherRemoval } from './other-removal.ts';
import { otherReplacement } from './other-replacement.ts';
import { personalDataNewPlace } from './personal-data-new-place.ts';
import { poolBelowHeadroom } from './pool-below-headroom.ts';
import { providerChanged } from './provider-changed.ts';
import { provisionerRuns } from './provisioner-runs.ts';
import { residencyWidened } from './residency-widened.ts';
import { reviewTurnedOff } from './review-turned-off.ts';
import { reviewerAdded } from './reviewer-added.ts';
import type { RiskRule } from './risk-rule.ts';
import { siteRenumbered } from './site-renumbered.ts';
import { stateBackendMoved } from './state-backend-moved.ts';
import { statefulDataLost } from './stateful-data-lost.ts';
import { unreviewableFile } from './unreviewable-file.ts';
import { warehouseRedundancyReduced } from './warehouse-redundancy-reduced.ts';

export const RISK_RULES: readonly RiskRule[] = [
  {
    id: 'AU001',
    name: 'stateful-data-lost',
    level: 'critical',
    matters: 'a stateful resource replaced or removed takes its data with it (data loss)',
    check: statefulDataLost,
  },
  {
    id: 'AU002',
    name: 'backup-protection-reduced',
    level: 'critical',
    matters:
      'a shorter object lock or backup retention means fewer days to restore from, and lets an attacker delete sooner',
    check: backupProtectionReduced,
  },
  {
    id: 'AU003',
    name: 'personal-data-new-place',
    level: 'critical',
    matters:
      'personal data sent to a place it was not before needs its own legal basis (Decree 13/2023, the residency rule)',
    check: personalDataNewPlace,
  },
  {
    id: 'AU004',
    name: 'state-backend-moved',
    level: 'critical',
    matters:
      'a plan against another state creates everything again or destroys what the real state holds, and that backend reads every secret the state keeps',
    check: stateBackendMoved,
  },
  {
    id: 'AU005',
    name: 'review-turned-off',
    level: 'critical',
    matters: 'without the review gate, every later change applies without anyone reviewing it',
    check: reviewTurnedOff,
  },
  {
    id: 'AU006',
    name: 'residency-widened',
    level: 'critical',
    matters:
      'personal data kept in another country needs its own legal basis (Decree 13/2023, the residency rule)',
    check: residencyWidened,
  },
  {
    id: 'AU007',
    name: 'unreviewable-file',
    level: 'critical',
    matters: 'a file synth never writes is read by the tools all the same, and no diff can say what it does',
    check: unreviewableFile,
  },
  {
    id: 'AU008',
    name: 'module-source-changed',
    level: 'high',
    matters: 'a module from another source is other code, run with the deploy’s credentials',
    check: moduleSourceChanged,
  },
  {
    id: 'AU009',
    name: 'provisioner-runs',
    level: 'critical',
    matters:
      'a provisioner runs commands on the machine that applies, with its credentials: whatever it says is done, outside any plan',
    check: provisionerRuns,
  },
  {
    id: 'AU010',
    name: 'network-access-widened',
    level: 'high',
    matters: 'wider reachability is how a breach spreads from one system to the next',
    check: networkAccessWidened,
  },
  {
    id: 'AU011',
    name: 'newly-public',
    level: 'high',
    matters: 'a system reachable from the internet is a target from the moment it is published',
    check: newlyPublic,
  },
  {
    id: 'AU012',
    name: 'access-broadened',
    level: 'high',
    matters: 'every permission granted is one more thing a stolen credential can do',
    check: accessBroadened,
  },
  {
    id: 'AU013',
    name: 'monitoring-loosened',
    level: 'high',
    matters: 'an outage nobody is alerted to lasts until a citizen reports it',
    check: monitoringLoosened,
  },
  {
    id: 'AU014',
    name: 'warehouse-redundancy-reduced',
    level: 'high',
    matters: 'fewer replicas of a shard is one failure closer to losing its quorum and its data',
    check: warehouseRedundancyReduced,
  },
  {
    id: 'AU015',
    name: 'pool-below-headroom',
    level: 'high',
    matters: 'a pool below its headroom cannot lose a rack or take an upgrade wave without dropping load',
    check: poolBelowHeadroom,
  },
  {
    id: 'AU016',
    name: 'site-renumbered',
    level: 'high',
    matters:
      'every device, firewall rule and target that knows the old address must change with it, or the site goes dark',
    check: siteRenumbered,
  },
  {
    id: 'AU017',
    name: 'reviewer-added',
    level: 'high',
    matters: 'every key among the reviewers can approve any change once this output is applied',
    check: reviewerAdded,
  },
  {
    id: 'AU018',
    name: 'four-eyes-off',
    level: 'high',
    matters: 'a runbook its own operator approves has had no second person look at it',
    check: fourEyesOff,
  },
  {
    id: 'AU019',
    name: 'provider-changed',
    level: 'high',
    matters:
      'a provider pointed elsewhere applies everything there, and a provider from another source is other code with the deploy’s credentials',
    check: providerChanged,
  },
  {
    id: 'AU020',
    name: 'other-replacement',
    level: 'medium',
    matters: 'a replacement is a delete and a create: a gap in service and new identifiers',
    fallback: true,
    check: otherReplacement,
  },
  {
    id: 'AU021',
    name: 'other-removal',
    level: 'medium',
    matters: 'what depended on a removed object breaks',
    fallback: true,
    check: otherRemoval,
  },
  {
    id: 'AU022',
    name: 'drift',
    level: 'medium',
    matters: 'a change made outside the reviewed path is applied or undone without a review',
    fallback: true,
    check: drift,
  },
  {
    id: 'AU030',
    name: 'addition',
    level: 'low',
    matters: 'new objects to review; nothing existing is lost',
    fallback: true,
    check: addition,
  },
  {
    id: 'AU031',
    name: 'in-place-update',
    level: 'low',
    matters: 'an update in place that no other rule finds risky',
    fallback: true,
    check: inPlaceUpdate,
  },
];
