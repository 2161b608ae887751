/**
 * A small builder of Grafana dashboard JSON: the dashboard, its template variables (a Prometheus
 * datasource variable and custom variables listing inventory objects), and time-series and stat
 * panels laid out two to a row. Every panel queries `${datasource}`; every inventory text goes
 * through `grafanaText`, and every list of objects through `customVariable`, so a name cannot
 * become a template, a variable reference or a second option.
 */
import type { City } from '../../model/index.ts';

/**
 * Grafana's dashboard schema version: LATEST_VERSION in grafana/grafana's
 * apps/dashboard/pkg/migration/schemaversion/migrations.go (42, "the final version for the v1
 * dashboard API", its README says). A newer Grafana migrates these up on load (its V43 rewrites
 * only `formatTime` transformations, which none of these panels has); an older one reads them as
 * they are.
 */
export const SCHEMA_VERSION = 42;

/** The datasource every panel and query reads: the dashboard's Prometheus variable. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, on purpose
export const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;

const ZWSP = '\u200b';

/**
 * Inventory text for wherever Grafana shows text and interpolates it first (titles, variable
 * options, legends): a zero-width space after each `$` and inside each `[[` and `{{`, so no
 * `$var`, `${var}`, `[[var]]` or legend `{{label}}` survives in it, and after each `\`, so none
 * escapes the comma that ends a custom variable's option. It reads the same; React shows it as
 * text, so markup in a name stays text.
 */
export function grafanaText(text: string): string {
  return text.replace(/\$|\\|\[(?=\[)|\{(?=\{)/g, (c) => `${c}${ZWSP}`);
}

/** A dashboard's title: what it shows, of which city (inventory text, guarded). */
export const cityTitle = (city: City, what: string) => `${grafanaText(city.nameEn ?? city.name)}: ${what}`;

/** A PromQL string literal (label values in the model are ids, but nothing is assumed). */
export const promString = (text: string) => JSON.stringify(text);

/**
 * A series per object from the model, e.g. each pool's (N − k)/N: `label_replace(vector(v), …)`
 * joined by `or`, so a query can divide by it or draw it beside what Prometheus measured.
 */
export function modelSeries(
  label: string,
  values: readonly (readonly [id: string, value: number])[],
): string {
  if (values.length === 0) return 'vector(0) == 1';
  return values
    .map(
      ([id, v]) =>
        `label_replace(vector(${Number(v.toPrecision(6))}), ${promString(label)}, ${promString(id)}, "", "")`,
    )
    .join(' or ');
}

export interface Target {
  readonly expr: string;
  /** Grafana's legend format: `{{label}}` is the series' label value. */
  readonly legend: string;
}

export type Unit = 'percentunit' | 'short' | 's' | 'bps' | 'reqps' | 'none';

export interface PanelSpec {
  readonly title: string;
  /** What the panel shows and how to read it (Grafana renders it as Markdown: no inventory text here). */
  readonly description: string;
  readonly kind?: 'timeseries' | 'stat';
  readonly unit: Unit;
  readonly targets: readonly Target[];
  /** Lines drawn across the panel (a limit, a burn rate that pages): value and colour. */
  readonly thresholds?: readonly { readonly value: number; readonly color: string }[];
  /** The colour below the first threshold; green by default (red where low is bad). */
  readonly baseColor?: string;
  /** Targets, by index, drawn dashed in red: a limit from the model beside the measurement. */
  readonly limitTargets?: readonly number[];
  readonly min?: number;
  readonly max?: number;
  /** Grid columns of 24; 12 by default. */
  readonly width?: number;
}

export interface VariableOption {
  /** What the dropdown shows (inventory text). */
  readonly text: string;
  /** What queries get: an id. */
  readonly value: string;
}

export interface VariableSpec {
  readonly name: string;
  readonly label: string;
  readonly options: readonly VariableOption[];
}

export interface DashboardSpec {
  /** Stable across inventories: the file name and Grafana's URL. */
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly variables: readonly VariableSpec[];
  readonly panels: readonly PanelSpec[];
}

const refId = (i: number) => String.fromCharCode(65 + i);

/** Grafana's datasource variable: any Prometheus the user has. */
function datasourceVariable() {
  return {
    type: 'datasource',
    name: 'datasource',
    label: 'Prometheus',
    query: 'prometheus',
    current: {},
    hide: 0,
    includeAll: false,
    multi: false,
    options: [],
    refresh: 1,
    regex: '',
    skipUrlSync: false,
  };
}

/**
 * One option of a custom variable's query as Grafana parses it (`text : value`, options split on
 * commas not escaped as `\,`): the text guarded, its commas escaped; the value is an id.
 */
const customOption = (o: VariableOption) => `${grafanaText(o.text).replace(/,/g, '\\,')} : ${o.value}`;

/** A multi-value custom variable listing objects by name, querying by id; All selected. */
function customVariable(v: VariableSpec) {
  return {
    type: 'custom',
    name: v.name,
    label: v.label,
    query: v.options.map(customOption).join(','),
    current: { selected: true, text: ['All'], value: ['$__all'] },
    hide: 0,
    includeAll: true,
    multi: true,
    options: [
      { selected: true, text: 'All', value: '$__all' },
      ...v.options.map((o) => ({ selected: false, text: grafanaText(o.text), value: o.value })),
    ],
    skipUrlSync: false,
  };
}

function fieldConfig(p: PanelSpec) {
  const steps = [{ color: p.baseColor ?? 'green', value: null }, ...(p.thresholds ?? [])];
  return {
    defaults: {
      unit: p.unit,
      ...(p.min === undefined ? {} : { min: p.min }),
      ...(p.max === undefined ? {} : { max: p.max }),
      color: { mode: p.kind === 'stat' ? 'thresholds' : 'palette-classic' },
      thresholds: { mode: 'absolute', steps },
      ...(p.kind === 'stat'
        ? {}
        : {
            custom: {
              drawStyle: 'line',
              lineWidth: 1,
              fillOpacity: 0,
              showPoints: 'never',
              spanNulls: false,
              thresholdsStyle: { mode: p.thresholds?.length ? 'line' : 'off' },
            },
          }),
    },
    overrides: (p.limitTargets ?? []).map((i) => ({
      matcher: { id: 'byFrameRefID', options: refId(i) },
      properties: [
        { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
        { id: 'color', value: { mode: 'fixed', fixedColor: 'red' } },
      ],
    })),
  };
}

const PANEL_HEIGHT = 8;

function panelJson(p: PanelSpec, id: number, gridPos: { h: number; w: number; x: number; y: number }) {
  const kind = p.kind ?? 'timeseries';
  return {
    id,
    type: kind,
    title: p.title,
    description: p.description,
    datasource: DATASOURCE,
    gridPos,
    fieldConfig: fieldConfig(p),
    options:
      kind === 'stat'
        ? {
            reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
            colorMode: 'value',
            graphMode: 'area',
            justifyMode: 'auto',
            textMode: 'value_and_name',
            orientation: 'auto',
          }
        : {
            legend: {
              displayMode: 'table',
              placement: 'right',
              showLegend: true,
              calcs: ['lastNotNull', 'max'],
            },
            tooltip: { mode: 'multi', sort: 'desc' },
          },
    targets: p.targets.map((t, i) => ({
      refId: refId(i),
      datasource: DATASOURCE,
      editorMode: 'code',
      expr: t.expr,
      legendFormat: t.legend,
      range: true,
      instant: false,
    })),
  };
}

/** The dashboard's JSON: panels two to a row (or as wide as they ask), in the order given. */
export function dashboardJson(d: DashboardSpec) {
  let x = 0;
  let y = 0;
  const panels = d.panels.map((p, i) => {
    const w = p.width ?? 12;
    if (x + w > 24) {
      x = 0;
      y += PANEL_HEIGHT;
    }
    const json = panelJson(p, i + 1, { h: PANEL_HEIGHT, w, x, y });
    x += w;
    return json;
  });
  return {
    uid: d.uid,
    title: d.title,
    description: d.description,
    tags: d.tags,
    editable: false,
    graphTooltip: 1,
    timezone: 'browser',
    time: { from: 'now-24h', to: 'now' },
    refresh: '1m',
    schemaVersion: SCHEMA_VERSION,
    version: 1,
    links: [],
    annotations: { list: [] },
    templating: { list: [datasourceVariable(), ...d.variables.map(customVariable)] },
    panels,
  };
}
