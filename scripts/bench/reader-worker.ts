/**
 * Measures one side of the reader bench in this process, on an inventory file of one mapping of
 * junk keys (what a hostile or broken file looks like):
 *   ours  — readInventory: the bounded read, the CST parse, the linear duplicate-key check;
 *   naive — the `yaml` package's parseDocument with its own duplicate-key check (the old reader);
 *   floor — yaml.parse without any duplicate-key check.
 * Prints {medianMs, peakRssMB} as JSON.
 */
import { readFileSync } from 'node:fs';
import { parse, parseDocument } from 'yaml';
import { readInventory } from '../../model/index.ts';
import { measure } from './harness.ts';

const [mode, file, warmups, runs] = process.argv.slice(2) as [string, string, string, string];
const work =
  mode === 'ours'
    ? () => {
        readInventory(file);
      }
    : mode === 'naive'
      ? () => {
          parseDocument(readFileSync(file, 'utf8'), { uniqueKeys: true }).toJS();
        }
      : () => {
          parse(readFileSync(file, 'utf8'), { uniqueKeys: false });
        };
console.log(JSON.stringify(measure(work, Number(warmups), Number(runs))));
