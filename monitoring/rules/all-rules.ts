/** Every rule set of the city, in one place; the rules file and its tests are made from these. */
import type { CityModel } from '../../model/index.ts';
import { memoByModel } from '../../model/memo-by-model.ts';
import { networkRules } from './network-rules.ts';
import type { RuleSet } from './rule-set.ts';
import { serverRules } from './server-rules.ts';
import { sloRules } from './slo-rules.ts';
import { warehouseRules } from './warehouse-rules.ts';

export const cityRuleSets = memoByModel((model: CityModel): RuleSet[] => [
  serverRules(model),
  warehouseRules(model),
  networkRules(model),
  sloRules(model),
]);
