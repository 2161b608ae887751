import { describe, expect, it } from 'vitest';
import { type CityModel, loadCity } from '../../model/index.ts';
import { terraformPlans, terraformView } from '../../stacks/terraform-view.ts';
import { BUILTIN_CITY, modelOf, smallCity } from '../helpers/city.ts';

const city = loadCity(BUILTIN_CITY).model as CityModel;
const terraformBlock = async (model: CityModel, stack: string) => {
  const file = (await terraformView.render(model)).find(
    (f) => f.path === `terraform/stacks/${stack}/cdk.tf.json`,
  );
  return JSON.parse(String(file?.content ?? '{}')).terraform;
};

describe('the Terraform stacks', () => {
  it('split the city by blast radius and team, in deploy order', () => {
    expect(terraformPlans(city).map((p) => p.name)).toEqual([
      'platform',
      // a stack per row of racks in service: hall 1's four rows, then hall 2's (its GPU row h2-r04
      // is the 2024 plan's: not built yet)
      ...['h1-r01', 'h1-r02', 'h1-r03', 'h1-r04', 'h2-r01', 'h2-r02', 'h2-r03'].map((r) => `platform-${r}`),
      'tenants',
      ...city.warehouses.map((w) => `warehouse-${w.id}`),
      'apps',
      'portal',
    ]);
  });

  it('keep each stack’s state in its own local file by default', async () => {
    expect((await terraformBlock(city, 'warehouse-land')).backend).toEqual({
      local: { path: '../../../../state/warehouse-land.tfstate' },
    });
  });

  it('keep state in the data centre’s S3-compatible store with native locking when the inventory says so', async () => {
    const raw = smallCity();
    raw.terraformState = {
      backend: 's3',
      bucket: 'citycloud-state',
      region: 'hcmc-dc1',
      endpoint: 'https://s3.dc1.example',
    };
    expect((await terraformBlock(modelOf(raw), 'tenants')).backend).toEqual({
      s3: {
        bucket: 'citycloud-state',
        key: 'citycloud/tenants.tfstate',
        region: 'hcmc-dc1',
        encrypt: true,
        endpoints: { s3: 'https://s3.dc1.example' },
        use_path_style: true,
        skip_credentials_validation: true,
        skip_region_validation: true,
        skip_requesting_account_id: true,
        use_lockfile: true,
      },
    });
  });

  it('keep state in PostgreSQL, one schema per stack, with the password left to PG_CONN_STR', async () => {
    const raw = smallCity();
    raw.terraformState = { backend: 'pg' };
    const block = await terraformBlock(modelOf(raw), 'warehouse-wa');
    expect(block.backend).toEqual({ pg: { schema_name: 'citycloud_warehouse_wa' } });
    expect(JSON.stringify(block)).not.toContain('conn_str');
  });

  it('have no apps or portal stack when no tenant declares an app', () => {
    expect(terraformPlans(modelOf(smallCity())).map((p) => p.name)).toEqual([
      'platform',
      'platform-h1-r01',
      'tenants',
      'warehouse-wa',
    ]);
  });
});
