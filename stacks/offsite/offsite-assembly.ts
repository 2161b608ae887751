/**
 * Synthesizes the off-site stack into a cloud assembly (what `cdk deploy --app <dir>` deploys)
 * under out/cloudformation/, checked twice on the way: cdk-nag's AWS Solutions pack, and
 * aws-cdk-lib's built-in template validation, whose findings are errors here. Either failing is a
 * finding of the stack, named rule by rule; nothing is written then.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { CURRENTLY_RECOMMENDED_FLAGS, DISABLE_CREATION_STACK_TRACES } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Artifact } from '../../view/view.ts';
import { OffsiteCheckError } from './offsite-check-error.ts';
import { OFFSITE_STACK, type OffsiteInput } from './offsite-input.ts';
import { OffsiteStack } from './offsite-stack.ts';

export const OFFSITE_DIR = 'cloudformation';
/** CloudFormation refuses a template of more resources. */
export const CLOUDFORMATION_RESOURCE_LIMIT = 500;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'))
    .sort();
}

interface ValidationReport {
  readonly pluginReports: readonly {
    readonly pluginName: string;
    readonly violations: readonly {
      readonly ruleName: string;
      readonly description: string;
      readonly severity?: string;
      readonly violatingConstructs?: readonly {
        readonly constructPath?: string;
        readonly resourceLogicalId?: string;
      }[];
    }[];
  }[];
}

/** One line per violating construct: where, which rule of which check, what. */
export function violationsIn(reportJson: string): string[] {
  const report = JSON.parse(reportJson) as ValidationReport;
  const lines: string[] = [];
  for (const plugin of report.pluginReports)
    for (const v of plugin.violations) {
      if (v.severity && v.severity !== 'error' && v.severity !== 'fatal') continue;
      const what = v.description.split('\n')[0]?.trim();
      const where = (v.violatingConstructs ?? [{}]).map(
        (c) => c.constructPath ?? c.resourceLogicalId ?? OFFSITE_STACK,
      );
      for (const at of where) lines.push(`${at}: ${v.ruleName} (${plugin.pluginName}): ${what}`);
    }
  return lines.length > 0 ? lines : ['template validation failed without naming a violation'];
}

/**
 * Metadata entries carry the stack trace of the code that made them (acknowledgements always
 * do, whatever the context says): absolute paths of this machine. The deploy never reads them.
 */
function withoutTraces(json: string): string {
  const metadata = JSON.parse(json) as Record<string, { trace?: unknown }[]>;
  for (const entries of Object.values(metadata)) for (const entry of entries) delete entry.trace;
  return `${JSON.stringify(metadata, null, 2)}\n`;
}

/** The cloud assembly of the off-site stack, as artifacts under cloudformation/. */
export function synthOffsite(model: OffsiteInput): Artifact[] {
  const dir = mkdtempSync(join(tmpdir(), 'citycloud-cdk-'));
  try {
    const app = new App({
      outdir: dir,
      analyticsReporting: false,
      // no stack traces or usage analytics in the metadata: no absolute paths, same bytes on any machine
      stackTraces: false,
      context: {
        ...CURRENTLY_RECOMMENDED_FLAGS,
        '@aws-cdk/core:validateAgainstDefaultRules': true,
        '@aws-cdk/core:enableAdditionalMetadataCollection': false,
        [DISABLE_CREATION_STACK_TRACES]: true,
      },
    });
    const stack = new OffsiteStack(app, OFFSITE_STACK, model);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }));
    let assembly: ReturnType<App['synth']>;
    // aws-cdk-lib prints its validation report on the console; the findings are ours to report
    const error = console.error;
    console.error = () => {};
    try {
      assembly = app.synth();
    } catch (e) {
      const report = join(dir, 'validation-report.json');
      if (existsSync(report)) throw new OffsiteCheckError(violationsIn(readFileSync(report, 'utf8')));
      throw e;
    } finally {
      console.error = error;
    }
    const template = assembly.getStackArtifact(stack.artifactId).template as { Resources?: object };
    const count = Object.keys(template.Resources ?? {}).length;
    if (count >= CLOUDFORMATION_RESOURCE_LIMIT)
      throw new OffsiteCheckError([
        `${count} resources; expected fewer than CloudFormation's ${CLOUDFORMATION_RESOURCE_LIMIT} per stack`,
      ]);
    return filesUnder(dir).map((path) => ({
      path: `${OFFSITE_DIR}/${path}`,
      content: path.endsWith('.metadata.json')
        ? withoutTraces(readFileSync(join(dir, path), 'utf8'))
        : readFileSync(join(dir, path)),
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
