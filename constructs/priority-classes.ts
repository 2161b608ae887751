/** One PriorityClass per pool criticality, so the scheduler evicts normal work before critical work. */
import { PriorityClassV1 } from '@cdktf/provider-kubernetes/lib/priority-class-v1/index.js';
import { Construct } from 'constructs';
import type { Criticality } from '../model/index.ts';
import { ConstructPropsError } from './construct-props-error.ts';

export interface PriorityClassesProps {
  /**
   * The value of each criticality's class; higher schedules first and is evicted last.
   * @default { critical: 1000000, high: 100000, normal: 10000 }
   */
  readonly values?: Readonly<Record<Criticality, number>>;
  /**
   * Prefix of the class names, `<prefix>-critical` and so on.
   * @default 'citycloud'
   */
  readonly namePrefix?: string;
}

export class PriorityClasses extends Construct {
  readonly values: Readonly<Record<Criticality, number>>;
  readonly namePrefix: string;

  constructor(scope: Construct, id: string, props: PriorityClassesProps = {}) {
    super(scope, id);
    this.values = props.values ?? { critical: 1_000_000, high: 100_000, normal: 10_000 };
    this.namePrefix = props.namePrefix ?? 'citycloud';
    const v = this.values;
    if (!(v.critical > v.high && v.high > v.normal))
      throw new ConstructPropsError(
        'priority-order',
        `${this.node.path}: values ${JSON.stringify(v)} must rank critical > high > normal`,
      );
    if (Math.max(v.critical, v.high, v.normal) > 1_000_000_000)
      throw new ConstructPropsError(
        'priority-range',
        `${this.node.path}: values above 1,000,000,000 are reserved for system classes; expected lower values`,
      );
    for (const c of ['critical', 'high', 'normal'] as const) {
      const pc = new PriorityClassV1(this, c, {
        metadata: { name: this.className(c) },
        value: v[c],
        description: `Workloads of ${c} pools (citycloud).`,
      });
      pc.overrideLogicalId(this.className(c));
    }
  }

  className(c: Criticality): string {
    return `${this.namePrefix}-${c}`;
  }
}
