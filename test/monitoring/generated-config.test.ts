import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { type CityModel, loadCity } from '../../model/index.ts';
import { BUILTIN_CITY, ROOT, tempDir } from '../helpers/city.ts';
import {
  loadedRuleGroups,
  ruleFilesOf,
  ruleTestFilesIn,
  withDeploymentCredentials,
  writeMonitoringOut,
} from '../helpers/monitoring-out.ts';
import { describeWith, PROMETHEUS_TOOLS } from '../helpers/needs.ts';
import { ruleTestsOf } from '../helpers/rule-tests-subset.ts';
import { AMTOOL, BLACKBOX, PROMTOOL, runTool } from '../helpers/tools.ts';

const model = loadCity(BUILTIN_CITY).model as CityModel;

const writeOut = writeMonitoringOut;

describe('the generated rules', () => {
  let groups: { name: string; rules: Record<string, unknown>[] }[] = [];
  let outDir = '';
  beforeAll(async () => {
    outDir = await writeOut(model);
    groups = loadedRuleGroups(outDir);
  });
  const alerts = () =>
    groups.flatMap((g) => g.rules.filter((r) => 'alert' in r)) as {
      alert: string;
      expr: string;
      for: string;
      labels: Record<string, string>;
      annotations: Record<string, string>;
    }[];

  it('gives every alert a severity, a for, a summary, a description naming the object and a runbook entry', () => {
    const runbook = readFileSync(join(ROOT, 'runbooks/alerts.md'), 'utf8');
    const anchors = new Set([...runbook.matchAll(/^## (\w+)$/gm)].map((m) => (m[1] as string).toLowerCase()));
    expect(alerts().length).toBeGreaterThan(40);
    for (const a of alerts()) {
      expect(['critical', 'warning', 'info'], a.alert).toContain(a.labels.severity);
      expect(a.for, a.alert).toMatch(/^\d+[mh]$/);
      expect(a.annotations.summary, a.alert).not.toBe('');
      expect(a.annotations.description, a.alert).toMatch(/\{\{ \$labels\.\w+ \}\}/);
      // absolute, so Alertmanager and a pager can open it
      expect(a.annotations.runbook_url, a.alert).toMatch(
        /^https:\/\/git\.hcmc\.gov\.vn\/citycloud\/citycloud\/-\/blob\/main\/runbooks\/alerts\.md#[a-z]+$/,
      );
      const anchor = a.annotations.runbook_url?.split('#')[1] ?? '';
      expect(anchors.has(anchor), `${a.alert}: runbooks/alerts.md has no "## ${a.alert}"`).toBe(true);
    }
  });

  it('sets each pool’s headroom threshold from the spare servers it keeps: (N−k)/N', () => {
    const edoc = alerts().find((a) => a.alert === 'PoolCpuOverHeadroom' && a.labels.pool === 'edoc');
    // edoc: 120 servers, 20 of them in rack h1-r03-k06, its largest: (120 − 20)/120
    expect(edoc?.expr).toBe('pool:node_cpu_utilisation:ratio_rate5m{pool="edoc"} > 0.8333');
    expect(edoc?.labels.severity).toBe('critical');
    expect(edoc?.annotations.description).toBe(
      'Pool {{ $labels.pool }} (Electronic documents and records) is over 83.3% busy, (N − k)/N: it keeps 20 of 120 servers spare: its largest rack (dc1-h1-r03-k06, 20 servers), a failure domain, and a rack lost or an upgrade wave out would leave its load nowhere to go.',
    );
    // meeting: 20 servers, five in each of four racks: 15/20
    const meeting = alerts().find((a) => a.alert === 'PoolMemoryOverHeadroom' && a.labels.pool === 'meeting');
    expect(meeting?.expr).toBe('pool:node_memory_utilisation:ratio{pool="meeting"} > 0.75');
  });

  it('sets each warehouse’s quorum from its replicas', () => {
    const quorum = (w: string) =>
      alerts().find((a) => a.alert === 'WarehouseQuorumAtRisk' && a.labels.warehouse === w)?.expr;
    expect(quorum('population')).toBe(
      'warehouse_shard:citycloud_warehouse_replica_up:sum{warehouse="population"} < 2',
    );
    expect(quorum('iot')).toBe('warehouse_shard:citycloud_warehouse_replica_up:sum{warehouse="iot"} < 2');
  });

  /** promtool test rules on the generated rules with one test case of our own (minute steps). */
  const promtoolCase = (testCase: Record<string, unknown>) => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'test.yml'),
      stringify({
        rule_files: ruleFilesOf(outDir).map((file) => join(outDir, file)),
        evaluation_interval: '1m',
        tests: [{ interval: '1m', ...testCase }],
      }),
    );
    return runTool(PROMTOOL, ['test', 'rules', 'test.yml'], dir);
  };

  it('records an uplink’s busier direction in bits a second, both directions scraped (promtool)', () => {
    const octets = (metric: string, perMinute: number) => ({
      series: `${metric}{job="snmp-uplinks",ifAlias="primary-uplink",district="d1",link="d1--core"}`,
      values: `0+${perMinute}x10`,
    });
    // out 600 octets a minute (80 bits a second), in 300
    const r = promtoolCase({
      input_series: [octets('ifHCOutOctets', 600), octets('ifHCInOctets', 300)],
      promql_expr_test: [
        {
          expr: 'district:uplink_bits:rate5m',
          eval_time: '10m',
          exp_samples: [{ labels: 'district:uplink_bits:rate5m{district="d1",link="d1--core"}', value: 80 }],
        },
      ],
    });
    expect(r.output).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });

  it('counts what the district records say: every probe, and the failed ones (promtool)', () => {
    const probe = (point: string, value: number) => ({
      series: `probe_success{job="blackbox-icmp",point="${point}",district="d1"}`,
      values: `${value}x5`,
    });
    const r = promtoolCase({
      input_series: [probe('w1', 1), probe('w2', 1), probe('w3', 0)],
      promql_expr_test: [
        {
          expr: 'district:probes:count',
          eval_time: '2m',
          exp_samples: [{ labels: 'district:probes:count{district="d1"}', value: 3 }],
        },
        {
          expr: 'district:probe_failed:count',
          eval_time: '2m',
          exp_samples: [{ labels: 'district:probe_failed:count{district="d1"}', value: 1 }],
        },
      ],
    });
    expect(r.output).toContain('SUCCESS');
    expect(r.code).toBe(0);
    // no record is named for the successful probes while counting them all
    const records = groups.flatMap((g) => g.rules.map((x) => x.record)).filter(Boolean);
    expect(records).not.toContain('district:probe_success:count');
  });

  it('leaves memory-backed and image filesystems out of the disk alert, as node-mixin does (promtool)', () => {
    const GIB = 1024 ** 3;
    // the same filling disk (30% free, full in 16 hours: the warning tier), once as ext4 on /
    // and once as tmpfs on /run, overlay and squashfs
    const filling = (fstype: string, mountpoint: string) => {
      const l = `job="node",instance="s1",fstype="${fstype}",mountpoint="${mountpoint}"`;
      return [
        { series: `node_filesystem_size_bytes{${l}}`, values: `${100 * GIB}x200` },
        { series: `node_filesystem_avail_bytes{${l}}`, values: `${30 * GIB}-${GIB / 32}x200` },
        { series: `node_filesystem_readonly{${l}}`, values: '0x200' },
      ];
    };
    const rule = alerts().find(
      (a) => a.alert === 'NodeFilesystemSpaceFillingUp' && a.labels.severity === 'warning',
    );
    const r = promtoolCase({
      input_series: [
        ...filling('ext4', '/'),
        ...filling('tmpfs', '/run'),
        ...filling('overlay', '/var/lib/containerd/o1'),
        ...filling('squashfs', '/snap/core'),
      ],
      alert_rule_test: [
        {
          alertname: 'NodeFilesystemSpaceFillingUp',
          eval_time: '110m',
          exp_alerts: [
            {
              exp_labels: {
                ...rule?.labels,
                job: 'node',
                instance: 's1',
                fstype: 'ext4',
                mountpoint: '/',
              },
              exp_annotations: {
                ...rule?.annotations,
                description:
                  'Filesystem / on s1 has under 40% of its space left and will run out within 24 hours at its current rate.',
              },
            },
          ],
        },
      ],
    });
    expect(r.output).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });

  it('records pool and warehouse utilisation, summing before dividing', () => {
    const recorded = groups.flatMap((g) => g.rules.filter((r) => 'record' in r)) as {
      record: string;
      expr: string;
      labels?: Record<string, string>;
    }[];
    expect(recorded.find((r) => r.record === 'pool:node_cpu_utilisation:ratio_rate5m')?.expr).toBe(
      'sum by (pool) (rate(node_cpu_seconds_total{job="node",mode!~"idle|iowait|steal"}[5m])) / sum by (pool) (rate(node_cpu_seconds_total{job="node"}[5m]))',
    );
    expect(recorded.filter((r) => r.record === 'warehouse:node_cpu_utilisation:ratio_rate5m')).toHaveLength(
      8,
    );
    expect(
      recorded.find(
        (r) =>
          r.record === 'warehouse:node_cpu_utilisation:ratio_rate5m' && r.labels?.warehouse === 'population',
      ),
    ).toEqual({
      record: 'warehouse:node_cpu_utilisation:ratio_rate5m',
      expr: 'pool:node_cpu_utilisation:ratio_rate5m{pool="wh-population"}',
      labels: { warehouse: 'population' },
    });
  });

  it('burns error budgets per tier with the workbook’s windows and factors', () => {
    const page = alerts().find((a) => a.alert === 'PublicServiceErrorBudgetBurn' && a.labels.tier === '1');
    expect(page?.expr).toBe(
      '(service:citycloud_service_errors:ratio_rate1h{tier="1"} > 0.0144 and service:citycloud_service_errors:ratio_rate5m{tier="1"} > 0.0144) or (service:citycloud_service_errors:ratio_rate6h{tier="1"} > 0.006 and service:citycloud_service_errors:ratio_rate30m{tier="1"} > 0.006)',
    );
    const ticket = alerts().find(
      (a) => a.alert === 'PublicServiceErrorBudgetBurnSlow' && a.labels.tier === '3',
    );
    expect(ticket?.expr).toBe(
      '(service:citycloud_service_errors:ratio_rate1d{tier="3"} > 0.03 and service:citycloud_service_errors:ratio_rate2h{tier="3"} > 0.03) or (service:citycloud_service_errors:ratio_rate3d{tier="3"} > 0.01 and service:citycloud_service_errors:ratio_rate6h{tier="3"} > 0.01)',
    );
  });
});

describeWith([PROMETHEUS_TOOLS], 'checked by the real tools', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await writeOut(model);
  });

  it('promtool accepts prometheus.yml and the rules (no lint findings)', () => {
    const config = runTool(PROMTOOL, ['check', 'config', 'prometheus.yml'], withDeploymentCredentials(dir));
    expect(config.output).toContain('SUCCESS: prometheus.yml is valid prometheus config file syntax');
    expect(config.code).toBe(0);
    const rules = runTool(PROMTOOL, ['check', 'rules', ...ruleFilesOf(dir)], dir);
    expect(rules.output).toMatch(/SUCCESS: \d+ rules found/);
    expect(rules.code).toBe(0);
  });

  it('loads a rules file per group by name, each group’s tests in a file of its own', () => {
    // by name, not a glob: a file left in the folder is not loaded
    expect(ruleFilesOf(dir)).toEqual(loadedRuleGroups(dir).map((g) => `rules/${g.name}.rules.yml`));
    expect(
      readdirSync(join(dir, 'rules'))
        .map((f) => `rules/${f}`)
        .sort(),
    ).toEqual([...ruleFilesOf(dir)].sort());
    // a group's tests load its file and those of the groups whose records it reads, no other
    const tests = (group: string) =>
      parse(readFileSync(join(dir, `tests/${group}.rules.test.yml`), 'utf8')) as {
        rule_files: string[];
        group_eval_order?: string[];
      };
    expect(tests('citycloud-kubernetes').rule_files).toEqual(['../rules/citycloud-kubernetes.rules.yml']);
    expect(tests('citycloud-warehouses')).toMatchObject({
      rule_files: ['../rules/citycloud-servers.rules.yml', '../rules/citycloud-warehouses.rules.yml'],
      group_eval_order: ['citycloud-servers', 'citycloud-warehouses'],
    });
    // every alert is tested in its group's file alone, each of its rules (its tiers) once
    const files = new Map<string, Set<string>>();
    let tested = 0;
    for (const file of ruleTestFilesIn(dir))
      for (const t of (parse(readFileSync(join(dir, file), 'utf8')) as { tests: { name: string }[] }).tests) {
        const alert = t.name.split(' ')[0] as string;
        files.set(alert, (files.get(alert) ?? new Set()).add(file));
        tested++;
      }
    for (const [alert, where] of files) expect([...where], alert).toHaveLength(1);
    expect(tested).toBe(loadedRuleGroups(dir).flatMap((g) => g.rules.filter((r) => 'alert' in r)).length);
  });

  it('passes promtool test rules: every alert on both sides of its for window', () => {
    const files = ruleTestFilesIn(dir);
    const r = runTool(PROMTOOL, ['test', 'rules', ...files], dir);
    expect(r.output.match(/SUCCESS/g)?.length).toBe(files.length);
    expect(r.code).toBe(0);
    // a bound, not a measure: about 10 s alone, several times that beside the suite's other files
  }, 600_000);

  it('has tests that fail when an alert changes (a for window made longer)', () => {
    const file = join(dir, 'rules/citycloud-servers.rules.yml');
    const rules = readFileSync(file, 'utf8');
    writeFileSync(file, rules.replace('for: 5m', 'for: 6m'));
    try {
      // ServerDown's own tests (the whole file is run once above)
      const tests = ruleTestsOf(
        dir,
        'tests/citycloud-servers.rules.test.yml',
        (alert) => alert === 'ServerDown',
      );
      const r = runTool(PROMTOOL, ['test', 'rules', tests], dir);
      expect(r.code).toBe(1);
      expect(r.output).toMatch(/alertname: ServerDown/);
    } finally {
      writeFileSync(file, rules);
    }
  }, 180_000);

  it('leaves a disabled alert out of the rules and its scenario out of the tests, which still pass', async () => {
    const small = loadCity(join(ROOT, 'test/fixtures/small-city.yaml')).model as CityModel;
    const off = await writeOut({
      ...small,
      monitoring: { ...small.monitoring, disabledAlerts: ['ServerDown'] },
    });
    const rules = ruleFilesOf(off)
      .map((file) => readFileSync(join(off, file), 'utf8'))
      .join('');
    expect(rules).not.toContain('alert: ServerDown');
    expect(rules).toContain('alert: NodeFilesystemSpaceFillingUp');
    // the servers' group keeps its other alerts and their tests, which still pass
    const servers = 'tests/citycloud-servers.rules.test.yml';
    const tests = readFileSync(join(off, servers), 'utf8');
    expect(tests).not.toContain('alertname: ServerDown');
    expect(tests).toContain('alertname: PoolCpuOverHeadroom');
    const r = runTool(PROMTOOL, ['test', 'rules', servers], off);
    expect(r.output).toContain('SUCCESS');
    expect(r.code).toBe(0);
  }, 180_000);

  it('amtool accepts alertmanager.yml and routes by severity, district and agency', () => {
    expect(runTool(AMTOOL, ['check-config', 'alertmanager.yml'], dir).code).toBe(0);
    const route = (...labels: string[]) =>
      runTool(
        AMTOOL,
        ['config', 'routes', 'test', '--config.file=alertmanager.yml', ...labels],
        dir,
      ).output.split('\n')[0];
    expect(route('severity=critical', 'alertname=DistrictIsolated', 'district=d760')).toBe(
      'ops-pager,district-d760',
    );
    expect(route('severity=warning', 'alertname=ConnectionPointDown', 'district=d769')).toBe('district-d769');
    expect(route('severity=warning', 'alertname=PublicServiceErrorBudgetBurnSlow', 'agency=stp')).toBe(
      'agency-stp',
    );
    expect(route('severity=warning', 'alertname=PoolCpuOverHeadroom', 'pool=edoc')).toBe('ops-queue');
  });

  it('blackbox_exporter accepts blackbox.yml', () => {
    const r = runTool(BLACKBOX, ['--config.file=blackbox.yml', '--config.check'], dir);
    expect(r.output).toContain('Config file is ok');
    expect(r.code).toBe(0);
  });
});

describe('prometheus.yml', () => {
  it('scrapes kube-state-metrics by its Service, and every kubelet, its cAdvisor and the API server over HTTPS with the deployment’s credentials', async () => {
    const dir = await writeOut(model);
    const config = parse(readFileSync(join(dir, 'prometheus.yml'), 'utf8'));
    const job = (name: string) =>
      config.scrape_configs.find((j: { job_name: string }) => j.job_name === name);
    expect(job('kube-state-metrics')).toEqual({
      job_name: 'kube-state-metrics',
      static_configs: [{ targets: ['kube-state-metrics.platform.svc:8080'] }],
      honor_labels: true,
    });
    const credentials = {
      scheme: 'https',
      authorization: { credentials_file: 'kubernetes/token' },
      tls_config: { ca_file: 'kubernetes/ca.crt' },
    };
    expect(job('kube-apiserver')).toEqual({
      job_name: 'kube-apiserver',
      ...credentials,
      static_configs: [{ targets: ['kubernetes.default.svc:443'] }],
    });
    expect(job('kubelet')).toEqual({
      job_name: 'kubelet',
      ...credentials,
      file_sd_configs: [{ files: ['targets/kubelets.json'] }],
    });
    expect(job('cadvisor')).toEqual({
      job_name: 'cadvisor',
      ...credentials,
      metrics_path: '/metrics/cadvisor',
      file_sd_configs: [{ files: ['targets/kubelets.json'] }],
    });
    // a Node per server in service, on the kubelet's port
    const kubelets = JSON.parse(readFileSync(join(dir, 'targets/kubelets.json'), 'utf8'));
    expect(kubelets).toHaveLength(1028);
    expect(kubelets[0]).toEqual({
      targets: ['dc1-h1-r01-k01-u01:10250'],
      labels: {
        instance: 'dc1-h1-r01-k01-u01',
        node: 'dc1-h1-r01-k01-u01',
        pool: 'email',
        criticality: 'high',
      },
    });
  });

  it('probes every point through blackbox_exporter with the multi-target relabelling', async () => {
    const dir = await writeOut(model);
    const config = parse(readFileSync(join(dir, 'prometheus.yml'), 'utf8'));
    const icmp = config.scrape_configs.find((j: { job_name: string }) => j.job_name === 'blackbox-icmp');
    expect(icmp.params).toEqual({ module: ['icmp_ipv4'] });
    expect(icmp.file_sd_configs).toEqual([{ files: ['../network/blackbox-targets.json'] }]);
    expect(icmp.relabel_configs).toEqual([
      { source_labels: ['__address__'], regex: '(.*)', replacement: '$1', target_label: '__param_target' },
      { source_labels: ['__param_target'], target_label: 'instance' },
      { target_label: '__address__', replacement: '127.0.0.1:9115' },
    ]);
    const nodes = JSON.parse(readFileSync(join(dir, 'targets/nodes.json'), 'utf8'));
    // the servers in service: the 2024 plan's 48 do not exist yet, and would page ServerDown forever
    expect(nodes).toHaveLength(1028);
    expect(nodes[0]).toEqual({
      targets: ['dc1-h1-r01-k01-u01:9100'],
      labels: {
        instance: 'dc1-h1-r01-k01-u01',
        pool: 'email',
        rack: 'dc1-h1-r01-k01',
        row: 'r01',
        hall: 'h1',
        criticality: 'high',
        model: 'r650',
      },
    });
  });
});
