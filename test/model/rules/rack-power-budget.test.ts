import { describe, expect, it } from 'vitest';
import { loadCity } from '../../../model/index.ts';
import { rackPowerBudget } from '../../../model/rules/rack-power-budget.ts';
import { findingLines, modelOf, smallCity, smallCityEdited } from '../../helpers/city.ts';

describe('rack-power-budget', () => {
  it('is compliant when every rack is within budget', () => {
    expect(rackPowerBudget(modelOf(smallCity()))).toEqual({ status: 'compliant' });
  });

  it('is not applicable without racks', () => {
    const city = smallCity();
    city.datacentre.halls = [];
    city.warehouses = [];
    city.tenants = [];
    expect(rackPowerBudget(modelOf(city))).toEqual({ status: 'not-applicable' });
  });

  it('fails when a rack draws more than its own budget, with the figures', () => {
    // k03 has a 5,000 W budget of its own and two 800 W servers; six more make 6,400 W
    const city = smallCity();
    city.datacentre.halls[0].rows[0].racks[2].servers[0].count = 8;
    expect(rackPowerBudget(modelOf(city))).toEqual({
      status: 'non-compliant',
      violations: [
        {
          path: 'datacentre.halls[h1].rows[r01].racks[k03]',
          message: "its servers draw 6,400 W, over the rack's power budget of 5,000 W",
          expected: 'at most 5,000 W (move 1,400 W of servers or raise powerBudgetW)',
        },
      ],
    });
  });

  it('takes the budget from the row, then the hall, then the data centre', () => {
    const city = smallCity();
    city.datacentre.halls[0].rackDefaults = { powerBudgetW: 3000 };
    city.datacentre.halls[0].rows[0].rackDefaults = { powerBudgetW: 3500 };
    const result = rackPowerBudget(modelOf(city));
    // k01 and k02 draw 3,600 W against the row's 3,500 W; k03 keeps its own 5,000 W
    expect(result.status).toBe('non-compliant');
    if (result.status === 'non-compliant')
      expect(result.violations.map((v) => v.path)).toEqual([
        'datacentre.halls[h1].rows[r01].racks[k01]',
        'datacentre.halls[h1].rows[r01].racks[k02]',
      ]);
  });

  it('points at the rack in the inventory', () => {
    const lines = findingLines(loadCity(smallCityEdited(['powerBudgetW: 5000', 'powerBudgetW: 1000'])));
    expect(lines).toEqual([
      "city.yaml:24:15: error CC004 datacentre.halls[h1].rows[r01].racks[k03]: its servers draw 1,600 W, over the rack's power budget of 1,000 W; expected at most 1,000 W (move 600 W of servers or raise powerBudgetW)",
    ]);
  });
});
