/** `citycloud runbook capacity-review`: forecast every pool, warehouse and uplink from Prometheus. */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatFinding, hasErrors, loadCity } from '../../model/index.ts';
import { capacityReview } from '../../runbooks/capacity/capacity-review.ts';
import { reviewJson, reviewMarkdown, reviewSummary } from '../../runbooks/capacity/format-review.ts';
import { reviewHtml } from '../../runbooks/capacity/review-html.ts';
import { EXIT } from '../cli/exit-codes.ts';

export interface CapacityReviewOptions {
  readonly inventory: string;
  readonly prometheus: string;
  readonly days: number;
  readonly horizon: number;
  readonly storageThreshold: number;
  readonly out: string;
  readonly json?: boolean;
}

/** Written whole or not at all: a report half-written is worse than the last one. */
function writeAtomically(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

export async function runCapacityReview(opts: CapacityReviewOptions): Promise<number> {
  const { model, findings } = loadCity(opts.inventory);
  if (!model || hasErrors(findings)) {
    for (const f of findings) console.error(formatFinding(f));
    console.error('✗ the inventory has errors; no review was made');
    return EXIT.problems;
  }
  const review = await capacityReview(model, {
    prometheus: opts.prometheus,
    days: opts.days,
    horizonDays: opts.horizon,
    storageThreshold: opts.storageThreshold,
    now: Date.now() / 1000,
  });
  mkdirSync(opts.out, { recursive: true });
  const written: [string, string][] = [
    ['capacity-review.md', reviewMarkdown(review)],
    ['capacity-review.html', reviewHtml(review)],
    ['capacity-review.json', reviewJson(review)],
  ];
  const files = written.map(([name, text]) => {
    writeAtomically(join(opts.out, name), text);
    return join(opts.out, name);
  });
  if (opts.json) process.stdout.write(reviewJson(review));
  else console.log(reviewSummary(review, files));
  return review.resources.some((r) => r.runsShort) ? EXIT.problems : EXIT.ok;
}
