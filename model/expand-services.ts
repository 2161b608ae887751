/**
 * Expands the public-service catalogue: each block's named services, then the rest of its counts
 * as numbered services (`<agency>-<nnn>`, fully online first), so the catalogue is exact and stable.
 */
import type { Inventory } from './schema.ts';
import type { InventorySources } from './source.ts';
import type { PublicService, ServiceCatalogueBlock, ServiceMode } from './types.ts';

const MODE_WORDS: Record<ServiceMode, string> = { full: 'toàn trình', partial: 'một phần' };

export function expandServices(
  inv: Inventory,
  sources: InventorySources,
): { catalogue: ServiceCatalogueBlock[]; services: PublicService[] } {
  const agencyName = new Map(inv.agencies.map((a) => [a.id, a.name]));
  const catalogue: ServiceCatalogueBlock[] = [];
  const services: PublicService[] = [];
  inv.publicServices.catalogue.forEach((block, bi) => {
    const yaml = ['publicServices', 'catalogue', bi];
    const blockPath = `publicServices.catalogue[${block.agency}]`;
    sources.register(blockPath, yaml);
    catalogue.push({
      agency: block.agency,
      full: block.full,
      partial: block.partial,
      tier: block.tier,
      path: blockPath,
    });
    const named = { full: 0, partial: 0 };
    block.named.forEach((s, si) => {
      const path = `${blockPath}.named[${s.id}]`;
      sources.register(path, [...yaml, 'named', si]);
      named[s.mode]++;
      services.push({
        id: s.id,
        name: s.name,
        agency: block.agency,
        mode: s.mode,
        tier: s.tier ?? block.tier,
        path,
      });
    });
    let n = 0;
    for (const mode of ['full', 'partial'] as const) {
      for (let k = named[mode]; k < block[mode]; k++) {
        n++;
        const id = `${block.agency}-${String(n).padStart(3, '0')}`;
        const path = `${blockPath}.services[${id}]`;
        sources.register(path, yaml);
        services.push({
          id,
          name: `Dịch vụ công trực tuyến ${MODE_WORDS[mode]} số ${n} – ${agencyName.get(block.agency) ?? block.agency}`,
          agency: block.agency,
          mode,
          tier: block.tier,
          path,
        });
      }
    }
  });
  return { catalogue, services };
}
