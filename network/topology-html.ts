/**
 * out/network/topology.html: the whole network on one self-contained page — every point on a
 * canvas, search by name or address, the redundancy and address findings highlighted, and a
 * drill-down per district or department. Its data is embedded one node per line, so an added
 * ward changes only its own lines of the page.
 */
import type { CityModel } from '../model/index.ts';
import { toDiffableJson } from '../view/diffable-json.ts';
import { escapeHtml, htmlPage } from '../view/html-page.ts';
import type { Artifact } from '../view/view.ts';
import { networkFindings } from './network-findings.ts';
import { topologyData } from './topology-json.ts';
import { PAGE_SCRIPT } from './topology-page-script.ts';

const STYLE = `
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px system-ui, sans-serif; display: grid; grid-template-columns: 360px 1fr; height: 100vh; color: #222; }
  aside { overflow: auto; padding: 12px; border-right: 1px solid #ddd; background: #fafafa; }
  h1 { font-size: 17px; margin: 0 0 4px; }
  h2 { font-size: 14px; margin: 14px 0 6px; }
  input, select, button { font: inherit; width: 100%; padding: 6px; margin: 2px 0; }
  ul { list-style: none; padding: 0; margin: 0; }
  li { padding: 3px 4px; cursor: pointer; border-bottom: 1px solid #eee; }
  li:hover, li:focus { background: #e3f2fd; }
  li.error { color: #b71c1c; }
  li.warning { color: #e65100; }
  dl { display: grid; grid-template-columns: 90px 1fr; gap: 2px 8px; margin: 0; }
  dt { color: #666; }
  dd { margin: 0; }
  dd.finding { grid-column: 1 / 3; color: #b71c1c; }
  main { position: relative; }
  canvas { width: 100%; height: 100%; display: block; cursor: grab; }
  table[hidden] { display: none; }
  table { position: absolute; right: 8px; bottom: 8px; max-height: 40vh; overflow: auto; display: block; background: #fffe; border: 1px solid #ccc; border-collapse: collapse; font-size: 12px; }
  td, th { padding: 2px 6px; border-bottom: 1px solid #eee; text-align: left; }
  tr.flagged td { color: #b71c1c; }
  .legend span { display: inline-block; margin-right: 8px; }
  .legend i { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 3px; }
  .legend i.core { background: #7b1fa2; }
  .legend i.district { background: #1565c0; }
  .legend i.agency { background: #2e7d32; }
  .legend i.ward { background: #64b5f6; }
  .legend i.unit { background: #a5d6a7; }
  .legend i.finding { border: 2px solid #d32f2f; }
`;

export function topologyHtml(model: CityModel): Artifact {
  const data = { ...topologyData(model), findings: networkFindings(model) };
  const title = `${model.city.nameEn ?? model.city.name} — dedicated network`;
  const html = htmlPage({
    title,
    lang: 'vi',
    style: STYLE,
    dataJson: toDiffableJson(data),
    script: PAGE_SCRIPT,
    body: `<aside>
  <h1>${escapeHtml(title)}</h1>
  <div id="count" role="status"></div>
  <div class="legend"><span><i class="core"></i>core</span><span><i class="district"></i>district</span><span><i class="agency"></i>department</span><span><i class="ward"></i>ward</span><span><i class="unit"></i>unit</span><span><i class="finding"></i>finding</span></div>
  <h2><label for="search">Search by name, code or address</label></h2>
  <input id="search" type="search" placeholder="Tân Định, tan dinh, 26734, 10.32.17.0" autocomplete="off">
  <div id="hits"></div>
  <ul id="results"></ul>
  <h2><label for="district">District or department</label></h2>
  <select id="district"><option value="">The whole city</option></select>
  <button id="reset" type="button">Show the whole city</button>
  <h2>Selected point</h2>
  <dl id="details"></dl>
  <h2>Findings (<span id="finding-count"></span>)</h2>
  <ul id="findings"></ul>
</aside>
<main>
  <canvas id="map" aria-label="Map of the dedicated network"></canvas>
  <table id="sites" hidden><thead><tr><th>name</th><th>level</th><th>code</th><th>subnet</th><th>loopback</th><th>VLAN</th></tr></thead><tbody></tbody></table>
</main>`,
  });
  return { path: 'network/topology.html', content: html };
}
