/**
 * Expands the dedicated network into connection points and links: the core, the district hubs,
 * their wards and units, the agencies' sites and their units (including one per district where
 * an agency declares unitsPerDistrict). Uplinks not written out come from network.uplinkDefaults.
 */
import type { YamlPath } from './model-path.ts';
import type { Inventory, InventoryUplink } from './schema.ts';
import type { InventorySources } from './source.ts';
import type { ConnectionPoint, Link, Network, PointLevel } from './types.ts';

interface PointSpec {
  readonly id: string;
  readonly name: string;
  readonly level: PointLevel;
  readonly uplinks: readonly InventoryUplink[];
  readonly district?: string;
  readonly agency?: string;
  readonly code?: string;
  readonly type?: string;
  readonly path: string;
  /** Where the point was written (for a template unit: the template). */
  readonly yaml: YamlPath;
  /** Where its uplinks were written, when they were written out for this point. */
  readonly uplinksYaml?: YamlPath;
}

const fillDistrict = (template: string, districtName: string) =>
  template.replaceAll('{district}', districtName);

export function expandNetwork(inv: Inventory, sources: InventorySources): Network {
  const net = inv.network;
  const defaults = net.uplinkDefaults;
  const points: ConnectionPoint[] = [];
  const links: Link[] = [];

  const add = (p: PointSpec) => {
    sources.register(p.path, p.yaml);
    const primary = p.uplinks.find((u) => u.role === 'primary') ?? p.uplinks[0];
    points.push({
      id: p.id,
      name: p.name,
      level: p.level,
      parent: primary?.to ?? null,
      district: p.district ?? null,
      agency: p.agency ?? null,
      code: p.code ?? null,
      type: p.type ?? null,
      path: p.path,
    });
    p.uplinks.forEach((u, i) => {
      const path = `${p.path}.uplinks[${u.to}]`;
      sources.register(path, p.uplinksYaml ? [...p.uplinksYaml, i] : p.yaml);
      links.push({
        id: `${p.id}--${u.to}`,
        from: p.id,
        to: u.to,
        role: u.role,
        mbps: u.mbps,
        medium: u.medium,
        path,
      });
    });
  };
  const unitUplink = (to: string): InventoryUplink[] => [
    { to, role: 'primary', mbps: defaults.unit.mbps, medium: defaults.unit.medium },
  ];

  net.core.forEach((c, i) => {
    const yaml = ['network', 'core', i];
    add({
      id: c.id,
      name: c.name,
      level: 'core',
      uplinks: c.uplinks ?? [],
      path: `network.core[${c.id}]`,
      yaml,
      uplinksYaml: c.uplinks ? [...yaml, 'uplinks'] : undefined,
    });
  });

  net.districts.forEach((d, di) => {
    const yaml = ['network', 'districts', di];
    const path = `network.districts[${d.id}]`;
    add({
      id: d.id,
      name: d.name,
      level: 'district',
      code: d.code,
      type: d.type,
      uplinks: d.uplinks ?? defaults.district,
      path,
      yaml,
      uplinksYaml: d.uplinks ? [...yaml, 'uplinks'] : ['network', 'uplinkDefaults', 'district'],
    });
    d.wards.forEach((w, wi) => {
      const wardYaml = [...yaml, 'wards', wi];
      const uplinks: InventoryUplink[] = w.uplinks ?? [
        { to: d.id, role: 'primary', mbps: defaults.ward.mbps, medium: defaults.ward.medium },
        ...(d.wardBackupVia
          ? [
              {
                to: d.wardBackupVia,
                role: 'backup' as const,
                mbps: defaults.ward.backupMbps,
                medium: defaults.ward.medium,
              },
            ]
          : []),
      ];
      add({
        id: `w${w.code}`,
        name: w.name,
        level: 'ward',
        district: d.id,
        code: w.code,
        type: w.type,
        uplinks,
        path: `${path}.wards[${w.code}]`,
        yaml: wardYaml,
        uplinksYaml: w.uplinks ? [...wardYaml, 'uplinks'] : undefined,
      });
    });
    const units = [
      ...net.districtUnits.map((u, ui) => ({ u, yaml: ['network', 'districtUnits', ui], own: false })),
      ...d.units.map((u, ui) => ({ u, yaml: [...yaml, 'units', ui], own: true })),
    ];
    for (const { u, yaml: unitYaml, own } of units) {
      const ownUplinks = own ? (u as { uplinks?: InventoryUplink[] }).uplinks : undefined;
      add({
        id: `${d.id}-${u.id}`,
        name: fillDistrict(u.name, d.name),
        level: 'unit',
        district: d.id,
        uplinks: ownUplinks ?? unitUplink(d.id),
        path: `${path}.units[${u.id}]`,
        yaml: unitYaml,
        uplinksYaml: ownUplinks ? [...unitYaml, 'uplinks'] : undefined,
      });
    }
  });

  inv.agencies.forEach((a, ai) => {
    const yaml = ['agencies', ai];
    const path = `agencies[${a.id}]`;
    add({
      id: a.id,
      name: a.name,
      level: 'agency',
      agency: a.id,
      uplinks: a.uplinks ?? defaults.agency,
      path,
      yaml,
      uplinksYaml: a.uplinks ? [...yaml, 'uplinks'] : ['network', 'uplinkDefaults', 'agency'],
    });
    a.units.forEach((u, ui) => {
      const unitYaml = [...yaml, 'units', ui];
      add({
        id: `${a.id}-${u.id}`,
        name: u.name,
        level: 'unit',
        agency: a.id,
        uplinks: u.uplinks ?? unitUplink(a.id),
        path: `${path}.units[${u.id}]`,
        yaml: unitYaml,
        uplinksYaml: u.uplinks ? [...unitYaml, 'uplinks'] : undefined,
      });
    });
    a.unitsPerDistrict.forEach((u, ui) => {
      for (const d of net.districts) {
        add({
          id: `${d.id}-${a.id}-${u.id}`,
          name: fillDistrict(u.name, d.name),
          level: 'unit',
          agency: a.id,
          district: d.id,
          uplinks: unitUplink(d.id),
          path: `${path}.unitsPerDistrict[${u.id}].districts[${d.id}]`,
          yaml: [...yaml, 'unitsPerDistrict', ui],
        });
      }
    });
  });

  return { points, links };
}
