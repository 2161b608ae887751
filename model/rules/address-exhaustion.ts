/** Every block and site got its addresses: nothing asked for more than its block or pool holds. */
import { planAddresses } from '../address-plan.ts';
import type { CityModel } from '../types.ts';
import { type RuleResult, resultOf } from './rule.ts';

export function addressExhaustion(model: CityModel): RuleResult {
  const plan = planAddresses(model);
  return resultOf(plan.sites.length > 0 || plan.shortfalls.length > 0, plan.shortfalls);
}
