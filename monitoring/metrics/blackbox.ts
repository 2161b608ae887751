/** The blackbox_exporter metric the connection-point alerts read (one series per probe). */
export const PROBE_SUCCESS = 'probe_success';
