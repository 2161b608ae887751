/** `citycloud runbook capacity-review`: forecast every pool, warehouse and uplink from Prometheus. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, realpathSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { writeWhole } from '../../../exec/atomic-file.ts';
import { hasErrors, loadCity } from '../../../model/index.ts';
import { DEFAULT_CHANGE_SHARE_PER_DAY } from '../../../runbooks/capacity/backup-targets.ts';
import { capacityReview } from '../../../runbooks/capacity/capacity-review.ts';
import { reviewJson, reviewMarkdown, reviewSummary } from '../../../runbooks/capacity/format-review.ts';
import { applyProposal, proposalPatch, proposeChanges } from '../../../runbooks/capacity/proposal.ts';
import { reviewHtml } from '../../../runbooks/capacity/review-html.ts';
import { commitEdits, InventoryEditRefused, readerOf } from '../../../runbooks/engine/inventory-edit.ts';
import { prometheusWithAuth } from '../../../runbooks/engine/prometheus-auth.ts';
import { inert } from '../../../view/terminal.ts';
import type { CommandModule } from '../../cli/command-module.ts';
import { DEFAULT_REVIEW_DIR } from '../../cli/defaults.ts';
import { EXIT } from '../../cli/exit-codes.ts';
import { withInventory, withPrometheus } from '../../cli/options.ts';
import { decimal, wholeNumber } from '../../cli/parsers.ts';
import { printFindings } from '../../cli/report.ts';

export interface CapacityReviewOptions {
  readonly inventory: string;
  readonly prometheus: string;
  readonly prometheusAuthFile?: string;
  readonly days: number;
  readonly horizon: number;
  readonly storageThreshold: number;
  /** The share of a warehouse's data assumed rewritten a day, for its backups. */
  readonly changeShare: number;
  readonly out: string;
  readonly json?: boolean;
  /** Write the proposed inventory change as a unified diff to this file. */
  readonly patch?: string;
  /** Apply the proposed change to the inventory files (after validating the result). */
  readonly apply?: boolean;
}

/**
 * Where the patch applies from: the top of the inventory's git repository, its paths relative to
 * it (as `git apply` reads them, from anywhere with -C), or the inventory's folder outside one.
 */
function patchBase(root: string): { dir: string; prefix: string } {
  const top = spawnSync('git', ['-C', root, 'rev-parse', '--show-toplevel'], { encoding: 'utf8' });
  const dir = top.status === 0 && top.stdout.trim() ? top.stdout.trim() : root;
  const rel = relative(realpathSync(dir), realpathSync(root)).replace(/\\/g, '/');
  return { dir, prefix: rel === '' ? '' : `${rel}/` };
}

export async function runCapacityReview(opts: CapacityReviewOptions): Promise<number> {
  const prometheus = prometheusWithAuth(opts.prometheus, { authFile: opts.prometheusAuthFile });
  const { model, findings, sources, inputs } = loadCity(opts.inventory);
  if (!model || hasErrors(findings)) {
    printFindings(findings, console.error);
    console.error('✗ the inventory has errors; no review was made');
    return EXIT.problems;
  }
  const review = await capacityReview(model, {
    prometheus: prometheus.query,
    days: opts.days,
    horizonDays: opts.horizon,
    storageThreshold: opts.storageThreshold,
    changeSharePerDay: opts.changeShare,
    now: Date.now() / 1000,
  });
  mkdirSync(opts.out, { recursive: true });
  const written: [string, string][] = [
    ['capacity-review.md', reviewMarkdown(review)],
    ['capacity-review.html', reviewHtml(review)],
    ['capacity-review.json', reviewJson(review)],
  ];
  const files = written.map(([name, text]) => {
    writeWhole(join(opts.out, name), text);
    return join(opts.out, name);
  });
  const proposal = proposeChanges(model, sources, review);
  const root = dirname(resolve(opts.inventory));
  const edited = applyProposal(proposal, readerOf(opts.inventory, sources));
  const base = patchBase(root);
  const patch = proposalPatch(edited, base.prefix);
  // what is printed quotes the inventory (pool and phase names) and Prometheus: inert on a terminal
  const out = (line: string) => (opts.json ? console.error : console.log)(inert(line, { lines: true }));
  if (opts.json) process.stdout.write(reviewJson(review));
  else out(reviewSummary(review, files));
  if (proposal.changes.length > 0 || proposal.unresolved.length > 0) {
    out('\nProposed:');
    for (const c of proposal.changes) out(`  ${c.summary}`);
    for (const u of proposal.unresolved) out(`  not proposed: ${u}`);
  }
  // the patch goes beside the reports, and where --patch says
  for (const file of [join(opts.out, 'capacity-review.patch'), ...(opts.patch ? [opts.patch] : [])]) {
    writeWhole(file, patch);
    out(
      edited.size > 0
        ? `  wrote ${file} (${edited.size} inventory ${edited.size === 1 ? 'file' : 'files'}; git -C ${base.dir} apply ${resolve(file)})`
        : `  wrote ${file} (empty: no change proposed)`,
    );
  }
  if (opts.apply && edited.size > 0) {
    try {
      out(`  applied to ${commitEdits(opts.inventory, edited, inputs).join(', ')}`);
    } catch (err) {
      if (!(err instanceof InventoryEditRefused)) throw err;
      printFindings(err.findings, console.error);
      console.error(
        err.findings.length > 0
          ? '✗ the proposed change does not validate; the inventory was left as it was'
          : `✗ the proposed change was not applied: ${err.message}`,
      );
      return EXIT.problems;
    }
  }
  // a resource that cannot be forecast is one the review cannot vouch for
  return review.resources.some((r) => r.runsShort) ||
    review.unforecastable.length > 0 ||
    review.backupTargets.some((t) => t.runsShort)
    ? EXIT.problems
    : EXIT.ok;
}

export const command: CommandModule = {
  under: 'runbook',
  register: (runbook) =>
    withPrometheus(
      withInventory(
        runbook
          .command('capacity-review')
          .description(
            'forecast every pool, warehouse and district uplink from the Prometheus history, and what the backup targets hold: when each crosses its threshold',
          ),
      ),
      'with the history',
    )
      .option('--days <n>', 'days of history read', wholeNumber('days', 28, 400), 90)
      .option(
        '--horizon <days>',
        'a crossing within this many days runs short (exit 1)',
        wholeNumber('days', 1, 3650),
        180,
      )
      .option(
        '--storage-threshold <share>',
        'the share of a warehouse’s volumes it may fill, and of a backup target’s capacity',
        decimal('a share', 0, 1, { above: true }),
        0.8,
      )
      .option(
        '--change-share <share>',
        'the share of a warehouse’s data assumed rewritten a day, for its backups’ WAL and incremental changes',
        decimal('a share', 0, 1),
        DEFAULT_CHANGE_SHARE_PER_DAY,
      )
      .option(
        '--out <dir>',
        'where the reports go: capacity-review.md (for the ticket), .html (the charts), .json (the data) and .patch (the proposed inventory change)',
        DEFAULT_REVIEW_DIR,
      )
      .option('--json', 'print the review as JSON')
      .option(
        '--patch <file>',
        'write the inventory change that restores the headroom as a unified diff (git apply)',
      )
      .option('--apply', 'apply that change to the inventory files, when the result validates')
      .addHelpText(
        'after',
        '\nExit: 1 when anything is forecast to cross within --horizon, 0 when nothing is, 2 when the history cannot be read.\n\nExample:\n  citycloud monitor up && citycloud runbook capacity-review',
      )
      .action(async (opts: CapacityReviewOptions) => {
        process.exitCode = await runCapacityReview(opts);
      }),
};
