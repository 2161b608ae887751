import { describe, expect, it } from 'vitest';
import { addressExhaustion } from '../../../model/rules/address-exhaustion.ts';
import { modelOf, smallCity, violationLines } from '../../helpers/city.ts';

describe('address-exhaustion', () => {
  it('is compliant when every site got its subnet', () => {
    expect(addressExhaustion(modelOf(smallCity()))).toEqual({ status: 'compliant' });
  });

  it('names the block, its size and the site that asked for more', () => {
    const city = smallCity();
    // a /24 block holds the hub's /24 and nothing else
    city.addressPins = { blocks: { d002: '10.32.8.0/24' } };
    expect(violationLines(addressExhaustion, city)).toEqual([
      'network.districts[d002].wards[20001]: Commune Gamma (w20001) needs a /26, but block d002 10.32.8.0/24 (256 addresses, 256 in use) has no room left; a larger block for d002 (pin a bigger prefix in addressPins.blocks) or a smaller siteSizes.ward',
      'network.districts[d002].wards[20002]: Township Delta (w20002) needs a /26, but block d002 10.32.8.0/24 (256 addresses, 256 in use) has no room left; a larger block for d002 (pin a bigger prefix in addressPins.blocks) or a smaller siteSizes.ward',
      "network.districts[d002].units[ubnd]: People's Committee of District Two (d002-ubnd) needs a /27, but block d002 10.32.8.0/24 (256 addresses, 256 in use) has no room left; a larger block for d002 (pin a bigger prefix in addressPins.blocks) or a smaller siteSizes.unit",
      'agencies[ag1].unitsPerDistrict[br].districts[d002]: Branch of District Two (d002-ag1-br) needs a /27, but block d002 10.32.8.0/24 (256 addresses, 256 in use) has no room left; a larger block for d002 (pin a bigger prefix in addressPins.blocks) or a smaller siteSizes.unit',
    ]);
  });

  it('says when the supernet itself is full', () => {
    const city = smallCity();
    city.network.addressing.supernet = '10.32.0.0/22';
    city.network.addressing.links = '10.24.0.0/24';
    city.network.addressing.loopbacks = '10.16.0.0/26';
    expect(violationLines(addressExhaustion, city)[0]).toMatch(
      /^network\.districts\[d001\]: block d001 needs a \/22 \(1,024 addresses for \d+ sites\), but supernet 10\.32\.0\.0\/22 \(1,024 addresses, 1,024 in use\) has no room left;/,
    );
  });
});
