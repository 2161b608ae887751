/**
 * Expands the dedicated network into connection points and links: the core, the district hubs,
 * their wards and units, the agencies' sites and their units (including one per district where
 * an agency declares unitsPerDistrict). Uplinks not written out come from network.uplinkDefaults.
 */
import type { YamlPath } from './model-path.ts';
import type { Inventory, InventoryUplink } from './schema.ts';
import type { InventorySources } from './source.ts';
import type { ConnectionPoint, Link, Network, PointLevel } from './types.ts';

/** An uplink with the place it was declared: the point's own list, a default, a wardBackupVia. */
interface DeclaredUplink {
  readonly uplink: InventoryUplink;
  readonly path: string;
  readonly yaml: YamlPath;
}

interface PointSpec {
  readonly id: string;
  readonly name: string;
  readonly level: PointLevel;
  readonly uplinks: readonly DeclaredUplink[];
  readonly district?: string;
  readonly agency?: string;
  readonly code?: string;
  readonly type?: string;
  readonly path: string;
  /** Where the point was written (for a template unit: the template). */
  readonly yaml: YamlPath;
}

const fillDistrict = (template: string, districtName: string) =>
  template.replaceAll('{district}', districtName);

/** Uplinks written out on the point itself. */
const own = (pointPath: string, pointYaml: YamlPath, uplinks: readonly InventoryUplink[]): DeclaredUplink[] =>
  uplinks.map((uplink, i) => ({
    uplink,
    path: `${pointPath}.uplinks[${uplink.to}]`,
    yaml: [...pointYaml, 'uplinks', i],
  }));

/** Uplinks the point takes from network.uplinkDefaults. */
const fromDefaults = (kind: 'district' | 'agency', uplinks: readonly InventoryUplink[]): DeclaredUplink[] =>
  uplinks.map((uplink, i) => ({
    uplink,
    path: `network.uplinkDefaults.${kind}[${uplink.to}]`,
    yaml: ['network', 'uplinkDefaults', kind, i],
  }));

export function expandNetwork(inv: Inventory, sources: InventorySources): Network {
  const net = inv.network;
  const defaults = net.uplinkDefaults;
  const points: ConnectionPoint[] = [];
  const links: Link[] = [];
  // the sections themselves, for findings about the network as a whole (the core's block, say)
  sources.register('network', ['network']);
  sources.register('network.core', ['network', 'core']);
  sources.register('network.addressing', ['network', 'addressing']);

  const add = (p: PointSpec) => {
    sources.register(p.path, p.yaml);
    const primary = p.uplinks.find((u) => u.uplink.role === 'primary') ?? p.uplinks[0];
    points.push({
      id: p.id,
      name: p.name,
      level: p.level,
      parent: primary?.uplink.to ?? null,
      district: p.district ?? null,
      agency: p.agency ?? null,
      code: p.code ?? null,
      type: p.type ?? null,
      path: p.path,
    });
    for (const { uplink: u, path, yaml } of p.uplinks) {
      sources.register(path, yaml);
      links.push({
        id: `${p.id}--${u.to}`,
        from: p.id,
        to: u.to,
        role: u.role,
        mbps: u.mbps,
        medium: u.medium,
        path,
      });
    }
  };
  /** A unit's single uplink to its parent, at the unit defaults. */
  const unitUplink = (unitPath: string, unitYaml: YamlPath, to: string): DeclaredUplink[] => [
    {
      uplink: { to, role: 'primary', mbps: defaults.unit.mbps, medium: defaults.unit.medium },
      path: `${unitPath}.uplinks[${to}]`,
      yaml: unitYaml,
    },
  ];

  net.core.forEach((c, i) => {
    const path = `network.core[${c.id}]`;
    const yaml = ['network', 'core', i];
    add({ id: c.id, name: c.name, level: 'core', uplinks: own(path, yaml, c.uplinks ?? []), path, yaml });
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
      uplinks: d.uplinks ? own(path, yaml, d.uplinks) : fromDefaults('district', defaults.district),
      path,
      yaml,
    });
    d.wards.forEach((w, wi) => {
      const wardYaml = [...yaml, 'wards', wi];
      const wardPath = `${path}.wards[${w.code}]`;
      const uplinks: DeclaredUplink[] = w.uplinks
        ? own(wardPath, wardYaml, w.uplinks)
        : [
            {
              uplink: { to: d.id, role: 'primary', mbps: defaults.ward.mbps, medium: defaults.ward.medium },
              path: `${wardPath}.uplinks[${d.id}]`,
              yaml: wardYaml,
            },
            ...(d.wardBackupVia
              ? [
                  {
                    uplink: {
                      to: d.wardBackupVia,
                      role: 'backup' as const,
                      mbps: defaults.ward.backupMbps,
                      medium: defaults.ward.medium,
                    },
                    path: `${path}.wardBackupVia`,
                    yaml: [...yaml, 'wardBackupVia'],
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
        path: wardPath,
        yaml: wardYaml,
      });
    });
    const templateUnits = net.districtUnits.map((u, ui) => ({
      u,
      yaml: ['network', 'districtUnits', ui],
      uplinks: undefined,
    }));
    const ownUnits = d.units.map((u, ui) => ({ u, yaml: [...yaml, 'units', ui], uplinks: u.uplinks }));
    for (const { u, yaml: unitYaml, uplinks } of [...templateUnits, ...ownUnits]) {
      const unitPath = `${path}.units[${u.id}]`;
      add({
        id: `${d.id}-${u.id}`,
        name: fillDistrict(u.name, d.name),
        level: 'unit',
        district: d.id,
        uplinks: uplinks ? own(unitPath, unitYaml, uplinks) : unitUplink(unitPath, unitYaml, d.id),
        path: unitPath,
        yaml: unitYaml,
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
      uplinks: a.uplinks ? own(path, yaml, a.uplinks) : fromDefaults('agency', defaults.agency),
      path,
      yaml,
    });
    a.units.forEach((u, ui) => {
      const unitYaml = [...yaml, 'units', ui];
      const unitPath = `${path}.units[${u.id}]`;
      add({
        id: `${a.id}-${u.id}`,
        name: u.name,
        level: 'unit',
        agency: a.id,
        uplinks: u.uplinks ? own(unitPath, unitYaml, u.uplinks) : unitUplink(unitPath, unitYaml, a.id),
        path: unitPath,
        yaml: unitYaml,
      });
    });
    a.unitsPerDistrict.forEach((u, ui) => {
      const unitYaml = [...yaml, 'unitsPerDistrict', ui];
      for (const d of net.districts) {
        const unitPath = `${path}.unitsPerDistrict[${u.id}].districts[${d.id}]`;
        add({
          id: `${d.id}-${a.id}-${u.id}`,
          name: fillDistrict(u.name, d.name),
          level: 'unit',
          agency: a.id,
          district: d.id,
          uplinks: unitUplink(unitPath, unitYaml, d.id),
          path: unitPath,
          yaml: unitYaml,
        });
      }
    });
  });

  const pins = (kind: 'blocks' | 'sites') =>
    Object.entries(inv.addressPins[kind]).map(([id, prefix]) => {
      const path = `addressPins.${kind}[${id}]`;
      sources.register(path, ['addressPins', kind, id]);
      return { id, prefix, path };
    });
  return {
    points,
    links,
    addressing: { ...net.addressing, siteSizes: { ...net.addressing.siteSizes } },
    addressPins: { blocks: pins('blocks'), sites: pins('sites') },
    demandMbps: { ...net.demandMbps },
    maxOversubscription: net.maxOversubscription,
    demandGrowthPercentPerMonth: net.demandGrowthPercentPerMonth,
    maxBlastRadius: net.maxBlastRadius,
  };
}
