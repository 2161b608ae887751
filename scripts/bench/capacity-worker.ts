/**
 * Measures one side of a capacity-review bench row in this process, against a Prometheus that
 * has the city's history:
 *   review  — the whole review: the range queries, the forecasts, the Markdown, page and JSON;
 *   queries — the same range queries alone (the floor: what Prometheus and the transfer cost).
 * Prints {medianMs, peakRssMB, samples} as JSON.
 */
import { type CityModel, loadCity } from '../../model/index.ts';
import { capacityReview, readHistory } from '../../runbooks/capacity/capacity-review.ts';
import { reviewJson, reviewMarkdown } from '../../runbooks/capacity/format-review.ts';
import { reviewHtml } from '../../runbooks/capacity/review-html.ts';
import { reviewedResources } from '../../runbooks/capacity/reviewed-resources.ts';
import { measureAsync } from './harness.ts';

const [mode, inventory, prometheus, warmups, runs] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const model = loadCity(inventory).model as CityModel;
const settings = { prometheus, days: 90, horizonDays: 180, storageThreshold: 0.8, now: Date.now() / 1000 };
let samples = 0;

async function once(): Promise<void> {
  if (mode === 'review') {
    const review = await capacityReview(model, settings);
    samples = review.samples;
    reviewMarkdown(review);
    reviewHtml(review);
    reviewJson(review);
  } else {
    const { histories } = await readHistory(reviewedResources(model, settings), settings);
    samples = [...histories.values()].reduce((sum, h) => sum + h.samples, 0);
  }
}

const result = await measureAsync(once, Number(warmups), Number(runs));
console.log(JSON.stringify({ ...result, samples }));
