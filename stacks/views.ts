/**
 * Every view that `citycloud synth` runs, in one place. Adding a view is adding a pure
 * function from the model to files here.
 */
import { monitoringView } from '../monitoring/monitoring-view.ts';
import { networkView } from '../network/network-view.ts';
import { modelView } from './model-view.ts';
import { terraformView } from './terraform-view.ts';
import type { View } from './view.ts';

export const VIEWS: readonly View[] = [modelView, networkView, monitoringView, terraformView];
