import { PriorityClassV1 } from '@cdktf/provider-kubernetes/lib/priority-class-v1/index.js';
import { Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { PriorityClasses } from '../../constructs/priority-classes.ts';

describe('PriorityClasses', () => {
  it('makes one class per criticality, critical highest (defaults)', () => {
    const json = Testing.synthScope((scope) => new PriorityClasses(scope, 'pc'));
    const classes = JSON.parse(json).resource[PriorityClassV1.tfResourceType];
    expect(
      Object.fromEntries(Object.entries(classes).map(([k, v]) => [k, (v as { value: number }).value])),
    ).toEqual({
      'citycloud-critical': 1_000_000,
      'citycloud-high': 100_000,
      'citycloud-normal': 10_000,
    });
    expect(
      Testing.toHaveResourceWithProperties(json, PriorityClassV1.tfResourceType, {
        metadata: { name: 'citycloud-normal' },
      }),
    ).toBe(true);
  });

  it('fails on values that do not rank critical > high > normal', () => {
    expect(() =>
      Testing.synthScope(
        (scope) => new PriorityClasses(scope, 'pc', { values: { critical: 10, high: 20, normal: 1 } }),
      ),
    ).toThrow('pc: values {"critical":10,"high":20,"normal":1} must rank critical > high > normal');
  });

  it('fails on values in the range reserved for system classes', () => {
    expect(() =>
      Testing.synthScope(
        (scope) =>
          new PriorityClasses(scope, 'pc', { values: { critical: 2_000_000_000, high: 20, normal: 1 } }),
      ),
    ).toThrow(/reserved for system classes/);
  });
});
