/**
 * What snmp_exporter's if_mib module answers for a hub's primary uplink: the 64-bit octet
 * counters each way and the speed in Mbit/s, for the interface whose description (ifAlias) is
 * `primary-uplink` — the convention the uplink records select by.
 */
import { Counter, Gauge, type Registry } from 'prom-client';

export const IF_IN_OCTETS = 'ifHCInOctets';
export const IF_OUT_OCTETS = 'ifHCOutOctets';
export const IF_HIGH_SPEED = 'ifHighSpeed';
/** The ifAlias operators give a hub's primary uplink interface. */
export const PRIMARY_UPLINK_ALIAS = 'primary-uplink';

export function createUplinkInterface(
  registry: Registry,
  source: { ifName: string; speedMbps: number; octets: () => { in: number; out: number } },
) {
  const labels = { ifIndex: '1', ifName: source.ifName, ifAlias: PRIMARY_UPLINK_ALIAS };
  const labelNames = Object.keys(labels);
  let last = { in: 0, out: 0 };
  const counters = () => {
    const now = source.octets();
    // counters: never back, even by a rounding error
    last = { in: Math.max(last.in, Math.floor(now.in)), out: Math.max(last.out, Math.floor(now.out)) };
    return last;
  };
  new Counter({
    name: IF_IN_OCTETS,
    help: 'The total number of octets received on the interface.',
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(labels, counters().in);
    },
  });
  new Counter({
    name: IF_OUT_OCTETS,
    help: 'The total number of octets transmitted out of the interface.',
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(labels, counters().out);
    },
  });
  new Gauge({
    name: IF_HIGH_SPEED,
    help: 'The interface speed in Mbit/s.',
    labelNames,
    registers: [registry],
  }).set(labels, source.speedMbps);
}
