/**
 * Requests to the online public services, by service, agency, tier and outcome
 * (`success` or `error`): the service-level indicator of the SLOs.
 */
import { Counter, type Registry } from 'prom-client';

export const SERVICE_REQUESTS = 'citycloud_service_requests_total';

export interface ServiceTraffic {
  readonly service: string;
  readonly agency: string;
  readonly tier: number;
  /** Requests and errors so far, at scrape time. */
  readonly totals: () => { requests: number; errors: number };
}

export function createServiceRequests(registry: Registry, services: readonly ServiceTraffic[]) {
  return new Counter({
    name: SERVICE_REQUESTS,
    help: 'Requests to the online public services, by outcome.',
    labelNames: ['service', 'agency', 'tier', 'outcome'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of services) {
        const { requests, errors } = s.totals();
        const labels = { service: s.service, agency: s.agency, tier: String(s.tier) };
        this.inc({ ...labels, outcome: 'success' }, requests - errors);
        this.inc({ ...labels, outcome: 'error' }, errors);
      }
    },
  });
}
