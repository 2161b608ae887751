/**
 * Measures one side of the model bench in this process:
 *   ours  — load + validate + expand (loadCity), from the files on disk;
 *   floor — yaml.parse of the same files plus JSON.stringify of the expanded model.
 * Prints {medianMs, peakRssMB} as JSON.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { formatFinding, loadCity } from '../../model/index.ts';
import { measure } from './harness.ts';

const [mode, inventory, warmups, runs] = process.argv.slice(2) as [string, string, string, string];
const first = loadCity(inventory);
if (!first.model || first.findings.length > 0)
  throw new Error(
    `bench inventory ${inventory} is not valid:\n${first.findings.map(formatFinding).join('\n')}`,
  );
const files = first.sources.files.map((f) => f.file);

const work =
  mode === 'ours'
    ? () => {
        loadCity(inventory);
      }
    : (() => {
        const model = first.model;
        return () => {
          for (const f of files) parse(readFileSync(f, 'utf8'));
          JSON.stringify(model);
        };
      })();
console.log(JSON.stringify(measure(work, Number(warmups), Number(runs))));
