/**
 * The Terraform stacks into out/terraform/stacks/<name>/cdk.tf.json, split by blast radius and
 * team: the platform (pools, priorities), the tenants, one stack per warehouse, the e-government
 * apps and the portal — listed in deploy order. Parts whose slice of the model is unchanged come
 * from the synth cache.
 */
import { type CityModel, deployedModel } from '../model/index.ts';
import type { Artifact, View } from '../view/view.ts';
import { appsPlan } from './apps-stack.ts';
import { platformPlans } from './platform-stack.ts';
import { portalPlan } from './portal-stack.ts';
import { renderPlan, type StackPlan } from './stack-plan.ts';
import { tenantsPlan } from './tenants-stack.ts';
import { terraformLiterals } from './terraform-literals.ts';
import { warehousePlans } from './warehouse-stack.ts';

/**
 * The stacks of a model, in deploy order (what later stacks run in comes first): of what is in
 * service only — a planned phase's servers and tenants are deployed when it is (model/phases.ts).
 * Every string of the model reaches them as a Terraform literal (terraform-literals.ts).
 */
export function terraformPlans(city: CityModel): StackPlan[] {
  const model = terraformLiterals(deployedModel(city));
  const plans = [
    ...platformPlans(model),
    tenantsPlan(model),
    ...model.warehouses.flatMap((w) => warehousePlans(model, w)),
  ];
  if (model.tenants.some((t) => t.app && t.id !== model.portalTenant)) plans.push(appsPlan(model));
  const portal = model.tenants.find((t) => t.id === model.portalTenant);
  if (portal?.app) plans.push(portalPlan(model, portal));
  return plans;
}

/** The stacks' names in deploy order, for `citycloud deploy`. */
export const DEPLOY_ORDER_FILE = 'terraform/deploy-order.json';

export const terraformView: View = {
  name: 'terraform',
  render: async (model, context) => {
    const plans = terraformPlans(model);
    const artifacts: Artifact[] = [
      {
        path: DEPLOY_ORDER_FILE,
        content: `${JSON.stringify({ stacks: plans.map((p) => p.name) }, null, 2)}\n`,
      },
    ];
    for (const plan of plans) {
      const stack = await renderPlan(plan, context?.cache);
      context?.progress?.(
        `stack ${plan.name}: ${stack.rendered} part(s) rendered, ${stack.cached} from cache`,
      );
      artifacts.push({
        path: `terraform/stacks/${plan.name}/cdk.tf.json`,
        content: stack.content,
        resources: stack.resources,
      });
    }
    return artifacts;
  },
  // cdktf, the provider's bindings and every construct, loaded and run once: the first and the
  // last part of each stack (the platform's priority classes and a row of servers, say)
  warm: async (model) => {
    for (const plan of terraformPlans(model)) {
      const parts = plan.parts.length > 1 ? [plan.parts[0], plan.parts.at(-1)] : plan.parts;
      await renderPlan({ ...plan, parts: parts.filter((p) => p !== undefined) });
    }
  },
};
