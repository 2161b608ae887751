/**
 * out/network/address-pins.yaml: the current plan as pins. Copied into the inventory
 * (inventory/addresses.yaml), it keeps every allocation where it is whatever is added later.
 */
import { planAddresses } from '../model/address-plan.ts';
import type { CityModel } from '../model/index.ts';
import type { Artifact } from '../view/view.ts';

export function addressPinsYaml(model: CityModel): Artifact {
  const plan = planAddresses(model);
  const lines = [
    '# The address plan as pins: allocations that stay where they are whatever is added.',
    '# Written by `citycloud synth` (out/network/address-pins.yaml); copy it over this file to pin new sites.',
    'addressPins:',
    '  blocks:',
    ...plan.blocks.flatMap((b) => (b.prefix ? [`    ${b.id}: ${b.prefix}`] : [])),
    '  sites:',
    ...plan.sites.map((s) => `    ${s.point}: ${s.prefix}`),
  ];
  return { path: 'network/address-pins.yaml', content: `${lines.join('\n')}\n` };
}
