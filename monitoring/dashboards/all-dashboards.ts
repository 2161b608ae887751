/**
 * Every Grafana dashboard of the city, in one list: a dashboard is a module exporting a function
 * of the model (what is in service: a planned phase's pools are drawn once they are built) to a
 * DashboardSpec (./grafana.ts), and its line here. Written as out/monitoring/dashboards/<uid>.json
 * with the file-provisioning config that loads them.
 */
import { stringify } from 'yaml';
import { type CityModel, deployedModel } from '../../model/index.ts';
import { toDiffableJson } from '../../view/diffable-json.ts';
import type { Artifact } from '../../view/view.ts';
import { fleetByPool } from './fleet-by-pool.ts';
import { type DashboardSpec, dashboardJson } from './grafana.ts';
import { kubernetesWorkloads } from './kubernetes-workloads.ts';
import { networkByDistrict } from './network-by-district.ts';
import { publicServiceSlos } from './public-service-slos.ts';
import { warehouses } from './warehouses.ts';

export const DASHBOARDS: readonly ((model: CityModel) => DashboardSpec)[] = [
  fleetByPool,
  warehouses,
  networkByDistrict,
  publicServiceSlos,
  kubernetesWorkloads,
];

/** Where the dashboards go in out/. */
export const DASHBOARDS_DIR = 'monitoring/dashboards';
/** Where Grafana is told to read them (copy the folder there; see the README). */
export const GRAFANA_DASHBOARDS_PATH = '/var/lib/grafana/dashboards/citycloud';

/** The city's dashboards as specs, in the list's order. */
export function cityDashboards(model: CityModel): DashboardSpec[] {
  const deployed = deployedModel(model);
  return DASHBOARDS.map((make) => make(deployed));
}

/**
 * Grafana's file provider (`apiVersion: 1`, `providers:`, as Grafana's provisioning documents it):
 * the folder's JSON files in a folder of their own, read-only in the UI since the files are the
 * source (an edit would be lost at the next synth).
 */
export function provisioningYaml(): string {
  return stringify(
    {
      apiVersion: 1,
      providers: [
        {
          name: 'citycloud',
          orgId: 1,
          folder: 'citycloud',
          folderUid: 'citycloud',
          type: 'file',
          disableDeletion: true,
          allowUiUpdates: false,
          updateIntervalSeconds: 60,
          options: { path: GRAFANA_DASHBOARDS_PATH, foldersFromFilesStructure: false },
        },
      ],
    },
    { lineWidth: 0 },
  );
}

/** The dashboards' files and their provisioning config. */
export function dashboardArtifacts(model: CityModel): Artifact[] {
  return [
    ...cityDashboards(model).map((d) => ({
      path: `${DASHBOARDS_DIR}/${d.uid}.json`,
      content: toDiffableJson(dashboardJson(d)),
    })),
    { path: `${DASHBOARDS_DIR}/provisioning.yml`, content: provisioningYaml() },
  ];
}
