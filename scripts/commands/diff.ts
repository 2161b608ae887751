/**
 * `citycloud diff OLD NEW` and `citycloud diff --plan plan.json`: the risk-ranked semantic diff,
 * printed as Markdown, JSON or a page, optionally written to a file; `--fail-on` turns a level
 * into exit 1; `--evidence` signs what was reviewed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { Option } from 'commander';
import { type AuditReport, auditDiff } from '../../audit/audit-diff.ts';
import { AuditInputError } from '../../audit/audit-error.ts';
import { drillEvidence, makeEvidence } from '../../audit/evidence.ts';
import { reportHtml } from '../../audit/format-html.ts';
import { reportJson } from '../../audit/format-json.ts';
import { reportMarkdown } from '../../audit/format-markdown.ts';
import type { OutputSide } from '../../audit/output-side.ts';
import { makePlanReview } from '../../audit/plan-evidence.ts';
import { planReport, plansFolderReport } from '../../audit/plan-report.ts';
import { type PlansIndex, plansNotMadeFrom } from '../../audit/plans-folder.ts';
import { LEVELS, levelRank, type RiskLevel } from '../../audit/risk/risk-rule.ts';
import { writeWhole } from '../../exec/atomic-file.ts';
import { inert } from '../../view/terminal.ts';
import type { CommandModule } from '../cli/command-module.ts';
import { DEFAULT_CACHE_DIR } from '../cli/defaults.ts';
import { EXIT } from '../cli/exit-codes.ts';
import { withInventory } from '../cli/options.ts';
import { duration } from '../cli/parsers.ts';
import { openSides } from './diff-sides.ts';

export interface DiffOptions {
  readonly old?: string;
  readonly new?: string;
  readonly plan?: string;
  readonly format: 'md' | 'json' | 'html';
  readonly output?: string;
  readonly failOn?: RiskLevel;
  readonly evidence?: string;
  /** Restore drill reports signed into the review. */
  readonly drillReport?: string[];
  readonly reviewer?: string;
  readonly signingKey?: string;
  /** How long the review stays evidence, in milliseconds. */
  readonly validFor?: number;
  readonly inventory: string;
  readonly cache: string | false;
}

/** The reviewer's SSH key: --signing-key, else git's user.signingkey, else ~/.ssh/id_ed25519 or id_rsa. */
function signingKey(given: string | undefined): string {
  if (given) {
    if (!existsSync(given)) throw new AuditInputError(`--signing-key ${given}: no such file`);
    return given;
  }
  const fromGit = spawnSync('git', ['config', '--get', 'user.signingkey'], { encoding: 'utf8' });
  const configured = fromGit.status === 0 ? fromGit.stdout.trim().replace(/^~(?=\/)/, homedir()) : '';
  if (configured && existsSync(configured)) return configured;
  for (const name of ['id_ed25519', 'id_ecdsa', 'id_rsa']) {
    const key = join(homedir(), '.ssh', name);
    if (existsSync(key)) return key;
  }
  throw new AuditInputError(
    'no SSH key to sign the review with: pass --signing-key FILE (or set git config user.signingkey)',
  );
}

/** The report in the format asked for: one text, or (Markdown) the comment parts. */
function render(report: AuditReport, format: DiffOptions['format']): string[] {
  if (format === 'json') return [reportJson(report)];
  if (format === 'html') return [reportHtml(report)];
  return reportMarkdown(report);
}

export async function runDiff(opts: DiffOptions): Promise<number> {
  if (opts.evidence && !opts.reviewer)
    throw new AuditInputError('--evidence needs --reviewer NAME: the principal the signature is made as');
  if (opts.evidence && opts.plan && !(existsSync(opts.plan) && statSync(opts.plan).isDirectory()))
    throw new AuditInputError(
      `--evidence signs a review of two synth outputs (OLD NEW) or of the plans folder citycloud deploy writes (out/plans), not of one plan file`,
    );
  if (opts.drillReport && !(opts.evidence && !opts.plan))
    throw new AuditInputError('--drill-report goes into a change review: give --evidence F with two outputs');
  // read before anything is written: a report that is not one fails first
  const drills = (opts.drillReport ?? []).map(drillEvidence);
  if (opts.validFor !== undefined && !opts.evidence)
    throw new AuditInputError(
      '--valid-for is how long the review of --evidence stays evidence: give --evidence too',
    );
  // the reviewer's key is found before anything is written: a review that cannot be signed fails first
  const key = opts.evidence ? signingKey(opts.signingKey) : null;
  let report: AuditReport;
  let sides: Awaited<ReturnType<typeof openSides>> | null = null;
  let plans: PlansIndex | null = null;
  try {
    if (opts.plan) {
      if (opts.old || opts.new) throw new AuditInputError('give either --plan FILE or OLD NEW, not both');
      if (opts.evidence) {
        // a reviewer signs only plans made from exactly the output beside them
        const folder = plansFolderReport(opts.plan);
        const out = resolve(opts.plan, '..');
        const problems = plansNotMadeFrom(opts.plan, out, folder.index);
        if (problems.length > 0)
          throw new AuditInputError(
            `not signed: the plans in ${opts.plan} were not made from the output ${out}: ${problems.slice(0, 3).join('; ')}; run citycloud deploy again`,
          );
        report = folder.report;
        plans = folder.index;
      } else report = planReport(opts.plan);
    } else {
      if (!opts.old || !opts.new)
        throw new AuditInputError(
          'citycloud diff needs OLD and NEW (synth output folders or git refs), or --plan FILE',
        );
      sides = await openSides([opts.old, opts.new], {
        inventory: opts.inventory,
        cache: opts.cache,
        progress: (line) => console.error(line),
      });
      const [a, b] = sides.sides as [OutputSide, OutputSide];
      report = await auditDiff(a, b);
    }
    const parts = render(report, opts.format);
    if (opts.output) {
      parts.forEach((text, i) => {
        writeWhole(
          i === 0 ? (opts.output as string) : (opts.output as string).replace(/(\.md)?$/, `.part${i + 1}.md`),
          text,
        );
      });
      const c = report.counts;
      console.error(
        `${LEVELS.map((l) => `${c[l]} ${l}`).join(', ')} — ${report.changes.length} changes; report in ${opts.output}${parts.length > 1 ? ` and ${parts.length - 1} more part${parts.length > 2 ? 's' : ''}` : ''}`,
      );
    } else process.stdout.write(parts.join('\n'));
    if (opts.evidence && key) {
      const signed = {
        report,
        reportJson: reportJson(report),
        reviewer: opts.reviewer as string,
        signingKey: key,
        now: new Date(),
        ...(opts.validFor !== undefined ? { validForMs: opts.validFor } : {}),
      };
      const [a, b] = (sides?.sides ?? []) as OutputSide[];
      const bundle = plans
        ? makePlanReview({ ...signed, index: plans })
        : makeEvidence({ ...signed, old: a as OutputSide, new: b as OutputSide, drills });
      writeWhole(opts.evidence, `${JSON.stringify(bundle, null, 2)}\n`);
      console.error(
        `${plans ? 'plan review' : 'review evidence'} signed by ${opts.reviewer} written to ${opts.evidence}${bundle.expiresAt ? ` (valid until ${bundle.expiresAt})` : ''}`,
      );
    }
  } finally {
    sides?.cleanUp();
  }
  if (opts.failOn) {
    const worst = report.changes.find((c) => levelRank(c.level) <= levelRank(opts.failOn as RiskLevel));
    if (worst) {
      console.error(inert(`--fail-on ${opts.failOn}: ${worst.level} change: ${worst.summary}`));
      return EXIT.problems;
    }
  }
  return EXIT.ok;
}

export const command: CommandModule = {
  register: (cli) =>
    withInventory(
      cli
        .command('diff')
        .description(
          'the risk-ranked semantic diff of two synth outputs (folders or git refs), or of a Terraform plan',
        )
        .argument(
          '[old]',
          'the output before: a synth output folder, or a git ref of the inventory’s repository',
        )
        .argument('[new]', 'the output after: a folder or a git ref')
        .option(
          '--plan <file>',
          'review plans instead: the folder citycloud deploy writes (out/plans) or one terraform show -json output',
        )
        .addOption(
          new Option('-f, --format <format>', 'md, json or html')
            .choices(['md', 'json', 'html'])
            .default('md'),
        )
        .option(
          '-o, --output <file>',
          'write the report here (Markdown parts beyond the first as <file>.partN.md)',
        )
        .addOption(
          new Option('--fail-on <level>', 'exit 1 when a change at this level or above is present').choices(
            LEVELS,
          ),
        )
        .option(
          '--evidence <file>',
          'write a signed review here: of OLD → NEW, or with --plan of the plans folder citycloud deploy made',
        )
        .option(
          '--drill-report <file>',
          'with --evidence: a restore drill report (citycloud runbook restore-drill) signed into the review by its SHA-256 (repeat it for each)',
          (value: string, previous: string[] = []) => [...previous, value],
        )
        .option(
          '--valid-for <duration>',
          'with --evidence: the review stops being evidence after this long (e.g. 12h, 7d)',
          duration(60_000, 400 * 86_400_000),
        )
        .option(
          '--reviewer <name>',
          'who reviews: the principal of the signature (as in the allowed-signers file)',
        )
        .option(
          '--signing-key <file>',
          'the reviewer’s SSH key (default: git’s user.signingkey, else ~/.ssh/id_ed25519)',
        ),
      'the inventory whose repository git refs are read from',
    )
      .option('--cache <dir>', 'the synth cache for sides made from git refs', DEFAULT_CACHE_DIR)
      .addHelpText(
        'after',
        '\nExamples:\n  citycloud diff out-deployed out --format html -o diff.html\n  citycloud diff main HEAD --fail-on high\n  citycloud diff out-deployed out --evidence review.json --reviewer lan@hcmc.gov.vn\n  citycloud diff --plan out/plans --evidence plan-review.json --reviewer lan@hcmc.gov.vn',
      )
      .action(
        async (old: string | undefined, now: string | undefined, opts: Omit<DiffOptions, 'old' | 'new'>) => {
          process.exitCode = await runDiff({
            ...opts,
            ...(old ? { old } : {}),
            ...(now ? { new: now } : {}),
          });
        },
      ),
};
