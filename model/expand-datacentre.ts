/** Expands the data centre: racks with their resolved defaults, and every server of every range. */
import type { Inventory } from './schema.ts';
import type { InventorySources } from './source.ts';
import type { Datacentre, Hall, Pool, Rack, Server, ServerModel } from './types.ts';

export interface ExpandedDatacentre {
  readonly serverModels: ServerModel[];
  readonly pools: Pool[];
  readonly datacentre: Datacentre;
  readonly racks: Rack[];
  readonly servers: Server[];
}

const pad2 = (n: number) => String(n).padStart(2, '0');

export function expandDatacentre(inv: Inventory, sources: InventorySources): ExpandedDatacentre {
  const serverModels = inv.serverModels.map((m, i): ServerModel => {
    const path = `serverModels[${m.id}]`;
    sources.register(path, ['serverModels', i]);
    return { ...m, disks: m.disks.map((d) => ({ ...d })), path };
  });
  const firstPhase = (inv.phases[0] as { id: string }).id;
  const pools = inv.pools.map((p, i): Pool => {
    const path = `pools[${p.id}]`;
    sources.register(path, ['pools', i]);
    const maxUnavailable =
      typeof p.maxUnavailable === 'number'
        ? { servers: p.maxUnavailable }
        : { percent: Number(p.maxUnavailable.slice(0, -1)) };
    return { ...p, dedicated: p.kind !== 'general', phase: p.phase ?? firstPhase, maxUnavailable, path };
  });
  const poolPhase = new Map(pools.map((p) => [p.id, p.phase]));
  // a range whose model is unknown still expands (as 1U) so the other rules can run; the
  // references rule reports the unknown model
  const unitsOf = new Map(inv.serverModels.map((m) => [m.id, m.rackUnits]));

  const dc = inv.datacentre;
  const racks: Rack[] = [];
  const servers: Server[] = [];
  const halls: Hall[] = dc.halls.map((hall, hi) => {
    const hallPath = `datacentre.halls[${hall.id}]`;
    sources.register(hallPath, ['datacentre', 'halls', hi]);
    const rows = hall.rows.map((row, ri) => {
      const rowPath = `${hallPath}.rows[${row.id}]`;
      sources.register(rowPath, ['datacentre', 'halls', hi, 'rows', ri]);
      const rackNames = row.racks.map((rack, ki) => {
        const rackYaml = ['datacentre', 'halls', hi, 'rows', ri, 'racks', ki] as const;
        const rackPath = `${rowPath}.racks[${rack.id}]`;
        sources.register(rackPath, rackYaml);
        const name = `${dc.id}-${hall.id}-${row.id}-${rack.id}`;
        racks.push({
          name,
          id: rack.id,
          datacentre: dc.id,
          hall: hall.id,
          row: row.id,
          heightU:
            rack.heightU ??
            row.rackDefaults?.heightU ??
            hall.rackDefaults?.heightU ??
            dc.rackDefaults.heightU,
          powerBudgetW:
            rack.powerBudgetW ??
            row.rackDefaults?.powerBudgetW ??
            hall.rackDefaults?.powerBudgetW ??
            dc.rackDefaults.powerBudgetW,
          path: rackPath,
        });
        rack.servers.forEach((range, si) => {
          const rackUnits = unitsOf.get(range.model) ?? 1;
          const rangeYaml = [...rackYaml, 'servers', si]; // shared by the range's servers
          for (let n = 0; n < range.count; n++) {
            const u = range.u + n * rackUnits;
            const path = `${rackPath}.servers[u${pad2(u)}]`;
            sources.register(path, rangeYaml);
            servers.push({
              name: `${name}-u${pad2(u)}`,
              rack: name,
              hall: hall.id,
              row: row.id,
              u,
              rackUnits,
              model: range.model,
              pool: range.pool,
              phase: range.phase ?? rack.phase ?? poolPhase.get(range.pool) ?? firstPhase,
              path,
            });
          }
        });
        return name;
      });
      return { id: row.id, racks: rackNames };
    });
    return { id: hall.id, name: hall.name ?? null, rows, path: hallPath };
  });

  return {
    serverModels,
    pools,
    datacentre: { id: dc.id, name: dc.name, site: dc.site ?? null, halls },
    racks,
    servers,
  };
}
