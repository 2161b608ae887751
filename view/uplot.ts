/**
 * uPlot (MIT), the chart library citycloud's pages bundle: its script and stylesheet, read once
 * from the package, for a page that draws its charts without fetching anything.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let assets: { js: string; css: string } | null = null;

/** uPlot's script and stylesheet. */
export function uplotAssets(): { js: string; css: string } {
  assets ??= {
    js: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    css: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  };
  return assets;
}
