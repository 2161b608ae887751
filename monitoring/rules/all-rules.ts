/**
 * Every rule set of the city, in one place; the rules file and its tests are made from these. They
 * watch what is in service: a planned phase's servers and pools are paged for once they are built.
 */
import { type CityModel, deployedModel } from '../../model/index.ts';
import { memoByModel } from '../../model/memo-by-model.ts';
import { backupRules } from './backup-rules.ts';
import { kubernetesRules } from './kubernetes-rules.ts';
import { networkRules } from './network-rules.ts';
import { nodeHealthRules } from './node-health-rules.ts';
import type { RuleSet } from './rule-set.ts';
import { serverRules } from './server-rules.ts';
import { sloRules } from './slo-rules.ts';
import { warehouseRules } from './warehouse-rules.ts';

export const cityRuleSets = memoByModel((city: CityModel): RuleSet[] => {
  const model = deployedModel(city);
  // an alert the inventory disables is left out, and its promtool scenario with it
  const disabled = new Set(model.monitoring.disabledAlerts);
  return [
    serverRules(model),
    nodeHealthRules(model),
    kubernetesRules(model),
    warehouseRules(model),
    backupRules(model),
    networkRules(model),
    sloRules(model),
  ].map((set) =>
    disabled.size === 0 ? set : { ...set, alerts: set.alerts.filter((a) => !disabled.has(a.rule.alert)) },
  );
});
