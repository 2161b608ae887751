/** The network view: the address plan, NetBox imports, topology, probe targets and the picture. */
import type { View } from '../view/view.ts';
import { addressPinsYaml } from './address-pins-yaml.ts';
import { blackboxTargets } from './blackbox-targets.ts';
import { ipamCsv } from './ipam-csv.ts';
import { netboxCsvs } from './netbox-csv.ts';
import { topologyHtml } from './topology-html.ts';
import { topologyJson } from './topology-json.ts';

export const networkView: View = {
  name: 'network',
  render: (model) => [
    ipamCsv(model),
    ...netboxCsvs(model),
    addressPinsYaml(model),
    topologyJson(model),
    topologyHtml(model),
    blackboxTargets(model),
  ],
};
