/** The Terraform stacks, as cdktf renders them (in memory), into out/terraform/stacks/<name>/cdk.tf.json. */
import { App } from 'cdktf';
import type { CityModel } from '../model/index.ts';
import { PlatformStack } from './platform-stack.ts';
import { TenantsStack } from './tenants-stack.ts';
import type { View } from './view.ts';

export const terraformView: View = {
  name: 'terraform',
  render: (model: CityModel) => {
    const app = new App({ skipValidation: true });
    const stacks = [new PlatformStack(app, 'platform', model), new TenantsStack(app, 'tenants', model)];
    return stacks.map((stack) => ({
      path: `terraform/stacks/${stack.node.id}/cdk.tf.json`,
      content: `${JSON.stringify(stack.toTerraform(), null, 2)}\n`,
    }));
  },
};
