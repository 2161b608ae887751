/** The expanded city model itself, as `model/city.json`: what every other view is a function of. */
import { toDiffableJson } from './diffable-json.ts';
import type { View } from './view.ts';

export const modelView: View = {
  name: 'model',
  render: (model) => [{ path: 'model/city.json', content: toDiffableJson(model) }],
};
