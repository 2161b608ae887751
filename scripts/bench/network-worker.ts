/**
 * Measures one side of the network bench in this process:
 *   ours — the address plan, the topology analysis and every network rule (CC007, CC009–CC016);
 *   peer — the naive check: every pair of allocations in each layer compared for overlap.
 * Prints {medianMs, peakRssMB} as JSON.
 */
import { planAddresses } from '../../model/address-plan.ts';
import { CITY_PACK, type CityModel, loadCity } from '../../model/index.ts';
import { overlaps } from '../../model/ipv4.ts';
import { addressLayers } from '../../model/rules/address-overlap.ts';
import { NETWORK_RULES } from '../../network/network-findings.ts';
import { measure } from './harness.ts';

const [mode, inventory, warmups, runs] = process.argv.slice(2) as [string, string, string, string];
const model = loadCity(inventory).model as CityModel;
const rules = CITY_PACK.filter((e) => NETWORK_RULES.has(e.id));

const work =
  mode === 'ours'
    ? () => {
        // a fresh key each run: the plan and the analysis are cached per model object
        const fresh = { ...model };
        for (const r of rules) if (r.rule(fresh).status === 'non-compliant') throw new Error(`${r.id} fired`);
      }
    : (() => {
        const layers = Object.values(addressLayers(planAddresses(model)));
        return () => {
          let found = 0;
          for (const items of layers)
            for (let i = 0; i < items.length; i++)
              for (let j = i + 1; j < items.length; j++)
                if (overlaps((items[i] as (typeof items)[0]).range, (items[j] as (typeof items)[0]).range))
                  found++;
          if (found > 0) throw new Error('overlaps in a valid plan');
        };
      })();
console.log(JSON.stringify(measure(work, Number(warmups), Number(runs))));
