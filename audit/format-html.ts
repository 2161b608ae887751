/**
 * The audit report as a self-contained page for the review meeting: the counts by level, then
 * every change in rank order with its rules and attributes, filtered by level, area, artifact and
 * stack, and searched by text. Everything from the report reaches the page as embedded JSON and
 * is put into the document with textContent, never as markup; the page makes no request.
 */
import { escapeHtml, htmlPage } from '../view/html-page.ts';
import type { AuditReport } from './audit-diff.ts';
import { reportJson } from './format-json.ts';
import { LEVELS } from './risk/risk-rule.ts';

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5rem; color: #1d2430; }
h1 { font-size: 1.3rem; margin: 0 0 .3rem; }
.sides { color: #555; margin-bottom: 1rem; }
.counts { display: flex; gap: .6rem; margin: .8rem 0 1.2rem; }
.count { border-radius: 6px; padding: .5rem .9rem; min-width: 6rem; }
.count b { display: block; font-size: 1.5rem; }
.critical { background: #fde2e1; } .high { background: #feecd6; } .medium { background: #fdf6d3; } .low { background: #eef0f3; }
form { display: flex; flex-wrap: wrap; gap: .8rem; align-items: end; margin-bottom: 1rem; }
label { display: flex; flex-direction: column; font-size: .8rem; color: #555; }
select, input { font: inherit; padding: .25rem .4rem; }
#shown { color: #555; margin: .4rem 0; }
.change { border-left: 5px solid #ccd; padding: .4rem .8rem; margin: .5rem 0; background: #fafbfc; }
.change.critical { border-color: #c62828; } .change.high { border-color: #ef6c00; }
.change.medium { border-color: #f9a825; } .change.low { border-color: #90a4ae; }
.change .where { color: #555; font-size: .8rem; }
.change ul { margin: .2rem 0; padding-left: 1.2rem; }
.rule { font-weight: 600; }
.force { color: #b71c1c; font-weight: 600; }
code { background: #eef0f3; padding: 0 .2rem; border-radius: 3px; }
`;

const SCRIPT = `
const data = JSON.parse(document.getElementById('citycloud-data').textContent);
const el = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; };
const fill = (id, values) => { const s = document.getElementById(id); for (const v of values) { const o = el('option', '', v); o.value = v; s.append(o); } };
fill('f-area', [...new Set(data.changes.map((c) => c.area))].sort());
fill('f-artifact', [...new Set(data.changes.map((c) => c.artifact))].sort());
fill('f-stack', [...new Set(data.changes.filter((c) => c.stack).map((c) => c.stack))].sort());
const list = document.getElementById('changes');
const nodes = data.changes.map((c) => {
  const d = el('div', 'change ' + c.level);
  d.dataset.level = c.level; d.dataset.area = c.area; d.dataset.artifact = c.artifact; d.dataset.stack = c.stack || '';
  const head = el('div');
  head.append(el('b', '', c.level + ' · '), document.createTextNode(c.summary));
  d.append(head, el('div', 'where', c.area + ' · ' + c.artifact + (c.stack ? ' · stack ' + c.stack : '') + ' · ' + c.action + ' ' + c.kind));
  const ul = el('ul');
  for (const r of c.rules) { const li = el('li'); li.append(el('span', 'rule', r.rule + ' (' + r.level + '): '), document.createTextNode(r.because + ' — ' + r.matters)); ul.append(li); }
  for (const a of c.attributes) {
    const li = el('li'); li.append(el('code', '', a.path), document.createTextNode(': ' + (a.before ?? '—') + ' → ' + (a.after ?? '—')));
    if (a.forcesReplacement) li.append(el('span', 'force', ' forces replacement (' + a.forcesReplacement + ')'));
    ul.append(li);
  }
  d.append(ul);
  d.dataset.text = (c.summary + ' ' + c.id + ' ' + c.artifact + ' ' + c.rules.map((r) => r.rule + ' ' + r.because).join(' ') + ' ' + c.attributes.map((a) => a.path).join(' ')).toLowerCase();
  list.append(d);
  return d;
});
const form = document.getElementById('filters');
function apply() {
  const levels = new Set([...form.querySelectorAll('input[name=level]:checked')].map((i) => i.value));
  const area = form.elements['area'].value, artifact = form.elements['artifact'].value, stack = form.elements['stack'].value;
  const q = form.elements['q'].value.trim().toLowerCase();
  let shown = 0;
  for (const d of nodes) {
    const ok = levels.has(d.dataset.level) && (!area || d.dataset.area === area) && (!artifact || d.dataset.artifact === artifact) && (!stack || d.dataset.stack === stack) && (!q || d.dataset.text.includes(q));
    d.hidden = !ok; if (ok) shown++;
  }
  document.getElementById('shown').textContent = shown + ' of ' + nodes.length + ' changes shown';
}
form.addEventListener('input', apply);
form.addEventListener('submit', (e) => e.preventDefault());
apply();
`;

export function reportHtml(report: AuditReport): string {
  const counts = LEVELS.map(
    (l) => `<div class="count ${l}" data-level="${l}"><b>${report.counts[l]}</b>${l}</div>`,
  ).join('');
  const levels = LEVELS.map(
    (l) => `<label><span>${l}</span><input type="checkbox" name="level" value="${l}" checked></label>`,
  ).join('');
  const body = `<h1>citycloud diff</h1>
<div class="sides">${escapeHtml(report.old.label)} → ${escapeHtml(report.new.label)} · ${report.changes.length} changes in ${report.files.changed.length} changed files, ${report.files.unchanged} unchanged</div>
<div class="counts">${counts}</div>
<form id="filters">${levels}
<label>area<select id="f-area" name="area"><option value="">all</option></select></label>
<label>artifact<select id="f-artifact" name="artifact"><option value="">all</option></select></label>
<label>stack<select id="f-stack" name="stack"><option value="">all</option></select></label>
<label>search<input id="q" name="q" type="search" placeholder="address, rule, attribute…"></label>
</form>
<div id="shown"></div>
<div id="changes"></div>`;
  return htmlPage({
    title: `citycloud diff: ${report.old.label} → ${report.new.label}`,
    lang: 'en',
    style: STYLE,
    body,
    dataJson: reportJson(report),
    script: SCRIPT,
  });
}
