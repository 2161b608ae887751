/** The blackbox_exporter metrics of one probe: success and duration. */
import { Gauge, type Registry } from 'prom-client';

export const PROBE_SUCCESS = 'probe_success';
export const PROBE_DURATION = 'probe_duration_seconds';

export function createProbeResult(registry: Registry, result: { success: boolean; durationSeconds: number }) {
  new Gauge({
    name: PROBE_SUCCESS,
    help: 'Displays whether or not the probe was a success',
    registers: [registry],
  }).set(result.success ? 1 : 0);
  new Gauge({
    name: PROBE_DURATION,
    help: 'Returns how long the probe took to complete in seconds',
    registers: [registry],
  }).set(result.durationSeconds);
}
