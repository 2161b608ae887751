/**
 * Every view that `citycloud synth` runs, in one place. Adding a view is adding a pure
 * function from the model to files here.
 */
import { monitoringView } from '../monitoring/monitoring-view.ts';
import { networkView } from '../network/network-view.ts';
import { deployInputsView } from '../stacks/deploy-inputs-view.ts';
import { offsiteView } from '../stacks/offsite/offsite-view.ts';
import { terraformView } from '../stacks/terraform-view.ts';
import { cachedView } from '../view/cached-view.ts';
import { modelView } from '../view/model-view.ts';
import type { View } from '../view/view.ts';

/** The off-site view comes first: it starts its worker thread before the others take the main one. */
export const VIEWS: readonly View[] = [
  offsiteView,
  modelView,
  // the network view reads only the city's name and the network section (every network rule too)
  cachedView(networkView, (model) => ({ city: model.city, network: model.network })),
  monitoringView,
  terraformView,
  deployInputsView,
];
