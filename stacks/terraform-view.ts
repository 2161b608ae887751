/**
 * The Terraform stacks, as cdktf renders them (in memory), into out/terraform/stacks/<name>/cdk.tf.json,
 * split by blast radius and team: the platform (pools, priorities), the tenants, one stack per
 * warehouse, the e-government apps and the portal. Stacks are listed in deploy order.
 */
import { App, type TerraformStack } from 'cdktf';
import type { CityModel } from '../model/index.ts';
import { AppsStack } from './apps-stack.ts';
import { PlatformStack } from './platform-stack.ts';
import { PortalStack } from './portal-stack.ts';
import { TenantsStack } from './tenants-stack.ts';
import type { View } from './view.ts';
import { WarehouseStack } from './warehouse-stack.ts';

/** The stacks of a model, in deploy order (what later stacks run in comes first). */
export function terraformStacks(model: CityModel): TerraformStack[] {
  const app = new App({ skipValidation: true });
  const stacks: TerraformStack[] = [
    new PlatformStack(app, 'platform', model),
    new TenantsStack(app, 'tenants', model),
  ];
  for (const w of model.warehouses) stacks.push(new WarehouseStack(app, `warehouse-${w.id}`, model, w));
  if (model.tenants.some((t) => t.app && t.id !== model.portalTenant))
    stacks.push(new AppsStack(app, 'apps', model));
  const portal = model.tenants.find((t) => t.id === model.portalTenant);
  if (portal?.app) stacks.push(new PortalStack(app, 'portal', model, portal));
  return stacks;
}

export const terraformView: View = {
  name: 'terraform',
  render: (model: CityModel) =>
    terraformStacks(model).map((stack) => ({
      path: `terraform/stacks/${stack.node.id}/cdk.tf.json`,
      content: `${JSON.stringify(stack.toTerraform(), null, 2)}\n`,
    })),
};
