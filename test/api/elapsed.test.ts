import { expect, test } from '@jest/globals';
import { ago } from '../../services/api/src/domain/executions/elapsed.js';

test('ago: seconds, minutes, hours and minutes; clock skew never gives a negative time', () => {
  const cases: [number, string][] = [
    [-5_000, '0 s ago'],
    [0, '0 s ago'],
    [59_499, '59 s ago'],
    [60_000, '1 min ago'],
    [3_599_000, '59 min ago'],
    [3_600_000, '1 h ago'],
    [7_500_000, '2 h 5 min ago'],
  ];
  expect(cases.map(([ms]) => ago(ms))).toEqual(cases.map(([, text]) => text));
});
