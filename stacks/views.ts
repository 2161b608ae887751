/**
 * Every view that `citycloud synth` runs, in one place. Adding a view is adding a pure
 * function from the model to files here.
 */
import { monitoringView } from '../monitoring/monitoring-view.ts';
import { networkView } from '../network/network-view.ts';
import { cachedView } from './cached-view.ts';
import { modelView } from './model-view.ts';
import { offsiteView } from './offsite/offsite-view.ts';
import { terraformView } from './terraform-view.ts';
import type { View } from './view.ts';

/** The off-site view comes first: it starts its worker thread before the others take the main one. */
export const VIEWS: readonly View[] = [
  offsiteView,
  modelView,
  // the network view reads only the city's name and the network section (every network rule too)
  cachedView(networkView, (model) => ({ city: model.city, network: model.network })),
  monitoringView,
  terraformView,
];
