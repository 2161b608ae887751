/**
 * Gauge families read from one snapshot per scrape, as kube-state-metrics serves its state: the
 * first family registered takes the snapshot when it is collected (prom-client collects in
 * registration order) and every family sets its series from that one.
 */
import { Gauge, type Registry } from 'prom-client';

/** What registers a family: its name, help, labels, and how it sets its series from a snapshot. */
export type SnapshotFamily<S> = (
  name: string,
  help: string,
  labelNames: string[],
  set: (g: Gauge, snapshot: S) => void,
) => void;

export function snapshotFamilies<S>(registry: Registry, read: () => S): SnapshotFamily<S> {
  let snap: S | null = null;
  let first = true;
  return (name, help, labelNames, set) => {
    const takes = first;
    first = false;
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        if (takes || snap === null) snap = read();
        this.reset();
        set(this, snap);
      },
    });
  };
}
