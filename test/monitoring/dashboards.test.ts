/**
 * The Grafana dashboards as code: the same inventory gives the same bytes, one stable UID per
 * dashboard, the chosen schemaVersion, a query and the Prometheus datasource variable on every
 * panel, the model's limits drawn beside the records, and inventory text inert where it lands.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type CityModel, loadCity, poolHeadrooms } from '../../model/index.ts';
import {
  cityDashboards,
  DASHBOARDS,
  dashboardArtifacts,
  GRAFANA_DASHBOARDS_PATH,
} from '../../monitoring/dashboards/all-dashboards.ts';
import {
  DATASOURCE,
  dashboardJson,
  grafanaText,
  SCHEMA_VERSION,
} from '../../monitoring/dashboards/grafana.ts';
import { allValues, expandQuery, legendOf, panelQueries } from '../../monitoring/dashboards/panel-queries.ts';
import { BUILTIN_CITY, modelOf } from '../helpers/city.ts';
import { hostileCity } from '../helpers/hostile-city.ts';

/** A dollar sign, so Grafana's `${…}` can be written in a template literal. */
const D = '$';
const builtin = loadCity(BUILTIN_CITY).model as CityModel;

// biome-ignore lint/suspicious/noExplicitAny: Grafana's JSON, read field by field
type Json = any;
const dashboardsOf = (model: CityModel): Json[] =>
  dashboardArtifacts(model)
    .filter((a) => a.path.endsWith('.json'))
    .map((a) => JSON.parse(a.content as string));

/** Grafana's variable syntax (its TemplateSrv's regex): `$var`, `[[var]]`, `${var}`, `${var:fmt}`. */
const GRAFANA_VARIABLE = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}/g;

/** A custom variable's options as Grafana (scenes' CustomVariable) reads its query. */
function grafanaCustomOptions(query: string): { label: string; value: string }[] {
  return (query.match(/(?:\\,|[^,])+/g) ?? []).map((raw) => {
    const text = raw.replace(/\\,/g, ',');
    const m = /^\s*(.+)\s:\s(.+)$/.exec(text);
    return m
      ? { label: (m[1] as string).trim(), value: (m[2] as string).trim() }
      : { label: text.trim(), value: text.trim() };
  });
}

describe('the dashboards', () => {
  const artifacts = dashboardArtifacts(builtin);
  const dashboards = dashboardsOf(builtin);

  it('are the same bytes from the same inventory', () => {
    const again = dashboardArtifacts(loadCity(BUILTIN_CITY).model as CityModel);
    expect(again.map((a) => a.path)).toEqual(artifacts.map((a) => a.path));
    for (const [i, a] of again.entries()) expect(a.content, a.path).toBe(artifacts[i]?.content);
  });

  it('have one stable UID each, unique, naming their file', () => {
    const uids = dashboards.map((d) => d.uid);
    expect(uids).toEqual([
      'citycloud-fleet-pools',
      'citycloud-warehouses',
      'citycloud-network-districts',
      'citycloud-service-slos',
      'citycloud-kubernetes-workloads',
    ]);
    expect(new Set(uids).size).toBe(DASHBOARDS.length);
    for (const uid of uids) expect(uid).toMatch(/^[a-z0-9-]{1,40}$/);
    expect(artifacts.map((a) => a.path)).toEqual([
      ...uids.map((u) => `monitoring/dashboards/${u}.json`),
      'monitoring/dashboards/provisioning.yml',
    ]);
    // the UID depends on no inventory text: a hostile city's are the same
    expect(dashboardsOf(modelOf(hostileCity())).map((d) => d.uid)).toEqual(uids);
  });

  it('carry the schemaVersion of current Grafana, and no database id', () => {
    expect(SCHEMA_VERSION).toBe(42);
    for (const d of dashboards) {
      expect(d.schemaVersion, d.uid).toBe(42);
      expect(d.id, d.uid).toBeUndefined();
    }
  });

  it('give every panel a query, a unit and the Prometheus datasource variable', () => {
    for (const d of dashboards) {
      expect(d.templating.list[0], d.uid).toMatchObject({
        type: 'datasource',
        name: 'datasource',
        query: 'prometheus',
      });
      expect(d.panels.length, d.uid).toBeGreaterThanOrEqual(4);
      for (const p of d.panels) {
        const where = `${d.uid} / ${p.title}`;
        expect(p.datasource, where).toEqual(DATASOURCE);
        expect(DATASOURCE.uid).toBe(`${D}{datasource}`);
        expect(p.fieldConfig.defaults.unit, where).toMatch(/^(percentunit|short|s|bps|reqps)$/);
        expect(p.targets.length, where).toBeGreaterThan(0);
        for (const t of p.targets) {
          expect(t.datasource, where).toEqual(p.datasource);
          expect(t.expr.trim(), where).not.toBe('');
        }
      }
      // panels laid out without overlap, on Grafana's 24 columns
      const cells = new Set<string>();
      for (const p of d.panels) {
        const { x, y, w, h } = p.gridPos;
        expect(x + w, d.uid).toBeLessThanOrEqual(24);
        for (let i = x; i < x + w; i++)
          for (let j = y; j < y + h; j++) {
            expect(cells.has(`${i},${j}`), `${d.uid}: ${p.title} overlaps`).toBe(false);
            cells.add(`${i},${j}`);
          }
      }
    }
  });

  it('offer the variables Grafana users expect, listing the inventory’s objects by name', () => {
    const variables = (uid: string) =>
      dashboards.find((d) => d.uid === uid).templating.list.filter((v: Json) => v.type === 'custom');
    const pool = variables('citycloud-fleet-pools')[0];
    expect(pool).toMatchObject({ name: 'pool', multi: true, includeAll: true });
    // the pools in service: the 2024 plan's GPU pool is not built yet
    const pools = grafanaCustomOptions(pool.query);
    expect(pools.map((o) => o.value)).not.toContain('iot-ai');
    expect(pools.find((o) => o.value === 'edoc')?.label).toBe('Electronic documents and records');
    expect(variables('citycloud-warehouses').map((v: Json) => v.name)).toEqual(['warehouse']);
    expect(grafanaCustomOptions(variables('citycloud-warehouses')[0].query)).toHaveLength(8);
    expect(variables('citycloud-network-districts').map((v: Json) => v.name)).toEqual(['district']);
    expect(grafanaCustomOptions(variables('citycloud-service-slos')[0].query).map((o) => o.value)).toEqual(
      builtin.serviceTiers.map((t) => String(t.id)),
    );
  });

  it('draw each pool against its (N − k)/N limit, and each warehouse against its quorum', () => {
    const fleet = dashboards.find((d) => d.uid === 'citycloud-fleet-pools');
    const cpu = fleet.panels.find((p: Json) => p.title === 'CPU utilisation by pool');
    expect(cpu.targets[0].expr).toBe('pool:node_cpu_utilisation:ratio_rate5m{pool=~"$pool"}');
    // edoc keeps 20 of 120 servers spare: (120 − 20)/120
    const edoc = poolHeadrooms(builtin).get('edoc');
    expect(edoc?.limit).toBeCloseTo(0.833333, 6);
    expect(cpu.targets[1].expr).toContain('label_replace(vector(0.833333), "pool", "edoc", "", "")');
    expect(cpu.fieldConfig.overrides[0].matcher).toEqual({ id: 'byFrameRefID', options: 'B' });
    const share = fleet.panels.find(
      (p: Json) => p.title === 'CPU utilisation as a share of the pool’s limit',
    );
    expect(share.fieldConfig.defaults.thresholds.steps.map((s: Json) => s.value)).toEqual([null, 0.9, 1]);
    expect(share.fieldConfig.defaults.custom.thresholdsStyle).toEqual({ mode: 'line' });
    const wh = dashboards.find((d) => d.uid === 'citycloud-warehouses');
    const quorum = wh.panels.find((p: Json) => p.title.startsWith('Live replicas'));
    expect(quorum.targets[1].expr).toContain('label_replace(vector(2), "warehouse", "population", "", "")');
  });

  it('read the SLO records Sloth writes: budget left, and burn rates per window', () => {
    const slo = dashboards.find((d) => d.uid === 'citycloud-service-slos');
    const exprs = slo.panels.flatMap((p: Json) => p.targets.map((t: Json) => t.expr)).join('\n');
    expect(exprs).toContain('service:citycloud_service_error_budget_remaining:ratio{tier=~"$tier"}');
    for (const w of ['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d'])
      expect(exprs).toContain(
        `max by (tier) (service:citycloud_service_errors:ratio_rate${w}{tier=~"$tier"} / on (tier) group_left () tier:citycloud_service_error_budget:ratio)`,
      );
  });

  it('are loaded by a Grafana file provider', () => {
    const yml = parse(artifacts.at(-1)?.content as string);
    expect(yml).toEqual({
      apiVersion: 1,
      providers: [
        expect.objectContaining({
          name: 'citycloud',
          type: 'file',
          allowUiUpdates: false,
          options: { path: GRAFANA_DASHBOARDS_PATH, foldersFromFilesStructure: false },
        }),
      ],
    });
  });
});

describe('inventory text in a dashboard', () => {
  const hostile = modelOf(hostileCity());
  const NAME = `Pool {{ .Value }} "quoted" <script>window.pwned=5</script> $pool ${D}{__user.login} [[pool]] a\\,b, c : evil\\`;
  const DISTRICT = `District $__all ${D}{district:raw} {{district}} <img src=x onerror=alert(1)>,`;
  const model = Object.freeze({
    ...hostile,
    city: { ...hostile.city, nameEn: `City ${D}{__dashboard} $pool` },
    pools: hostile.pools.map((p, i) => (i === 0 ? { ...p, name: NAME } : p)),
    network: {
      ...hostile.network,
      points: hostile.network.points.map((p) => (p.level === 'district' ? { ...p, name: DISTRICT } : p)),
    },
  }) as CityModel;
  const dashboards = dashboardsOf(model);
  const firstPool = model.pools.find((p) => (poolHeadrooms(model).get(p.id)?.servers ?? 0) > 0);

  it('is written as JSON that parses back, quotes and markup as text', () => {
    const fleet = dashboards.find((d) => d.uid === 'citycloud-fleet-pools');
    const option = fleet.templating.list[1].options.find((o: Json) => o.value === firstPool?.id);
    expect(option.text).toBe(grafanaText(NAME));
    expect(option.text).toContain('"quoted" <script>window.pwned=5</script>');
    // no panel renders HTML or Markdown of ours but the descriptions, which hold no inventory text
    for (const d of dashboards) {
      for (const p of d.panels) {
        expect(p.type).toMatch(/^(timeseries|stat)$/);
        expect(p.description).not.toContain('<script>');
        expect(p.description).not.toContain('<img');
      }
    }
  });

  it('interpolates nothing: no variable, template or legend syntax survives in it', () => {
    for (const d of dashboards) {
      const texts = [
        d.title,
        d.description,
        ...d.panels.map((p: Json) => p.title),
        ...d.templating.list.flatMap((v: Json) => [v.query, ...v.options.map((o: Json) => o.text)]),
      ];
      for (const t of texts) {
        const refs = [...String(t).matchAll(GRAFANA_VARIABLE)].map((m) => m[0]);
        expect(refs, `${d.uid}: ${t}`).toEqual([]);
        expect(String(t), d.uid).not.toMatch(/\{\{/);
      }
      expect(d.title).toBe(`City $\u200b{__dashboard} $\u200bpool: ${d.title.split(': ').at(-1)}`);
    }
  });

  it('keeps each name one option of its variable, with its id as the value', () => {
    const variable = (uid: string) =>
      dashboards.find((d) => d.uid === uid).templating.list.find((v: Json) => v.type === 'custom');
    const pools = grafanaCustomOptions(variable('citycloud-fleet-pools').query);
    const inService = model.pools.filter((p) => (poolHeadrooms(model).get(p.id)?.servers ?? 0) > 0);
    expect(pools.map((o) => o.value)).toEqual(inService.map((p) => p.id));
    expect(pools[inService.findIndex((p) => p.id === firstPool?.id)]?.label).toBe(grafanaText(NAME).trim());
    const districts = grafanaCustomOptions(variable('citycloud-network-districts').query);
    const hubs = model.network.points.filter((p) => p.level === 'district');
    expect(districts).toEqual(hubs.map((h) => ({ label: grafanaText(DISTRICT).trim(), value: h.id })));
  });

  it('reads the same to a person: only zero-width spaces are added', () => {
    expect(grafanaText(NAME).replace(/\u200b/g, '')).toBe(NAME);
  });
});

describe('the panels’ queries as Grafana sends them', () => {
  const specs = cityDashboards(builtin);
  const expansion = {
    variables: allValues(specs),
    rangeSeconds: 3600,
    stepSeconds: 15,
    scrapeIntervalSeconds: 30,
  };

  it('expand every variable and Grafana’s own, leaving no $ in any query', () => {
    const queries = panelQueries(specs).flatMap((q) => q.targets.map((t) => expandQuery(t.expr, expansion)));
    expect(queries.length).toBeGreaterThan(30);
    for (const q of queries) expect(q).not.toContain('$');
  });

  it('write several values as a regex alternation, one as itself, and $__rate_interval as Grafana does', () => {
    const one = { ...expansion, variables: { pool: ['edoc'] } };
    expect(expandQuery('x{pool=~"$pool"}', one)).toBe('x{pool=~"edoc"}');
    expect(expandQuery(`x{pool=~"${D}{pool}"}`, { ...one, variables: { pool: ['edoc', 'email'] } })).toBe(
      'x{pool=~"(edoc|email)"}',
    );
    // max($__interval + scrape interval, 4 × scrape interval)
    expect(expandQuery('rate(x[$__rate_interval])', one)).toBe('rate(x[120s])');
    expect(expandQuery('rate(x[$__rate_interval])', { ...one, stepSeconds: 300 })).toBe('rate(x[330s])');
    expect(expandQuery('x[$__range]', one)).toBe('x[3600s]');
    expect(() => expandQuery('x{a=~"$nothing"}', one)).toThrow(
      '$nothing in x{a=~"$nothing"}: no such variable',
    );
  });

  it('name a series by its legend, or by its labels without one', () => {
    expect(legendOf('{{pool}} limit', { pool: 'edoc' })).toBe('edoc limit');
    expect(legendOf('{{ missing }}', { pool: 'edoc', __name__: 'x' })).toBe('{pool="edoc"}');
  });

  it('are the dashboards’ JSON targets', () => {
    const json = specs.map(dashboardJson);
    expect(json.flatMap((d) => d.panels.flatMap((p) => p.targets.map((t) => t.expr)))).toEqual(
      panelQueries(specs).flatMap((q) => q.targets.map((t) => t.expr)),
    );
  });
});
