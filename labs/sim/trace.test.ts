// Method: formatMs against hand-picked sums whose binary representation carries noise, and a property over random
// pairs that rounding never reverses the order of two times.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMs } from './trace';

describe('formatMs: a simulated time in a message', () => {
  it('drops binary rounding noise and keeps the simulator\'s 1e-6 ms resolution', () => {
    expect(formatMs(231.23424899999998)).toBe('231.234249');
    expect(formatMs(1.1 + 2.011626)).toBe('3.111626');
    expect(formatMs(323.475037)).toBe('323.475037');
    expect(formatMs(0)).toBe('0');
  });
  it('never reverses the order of two times', () => {
    fc.assert(fc.property(fc.double({ min: 0, max: 1e7, noNaN: true }), fc.double({ min: 0, max: 1e7, noNaN: true }), (a, b) => {
      const [x, y] = a <= b ? [a, b] : [b, a];
      expect(Number(formatMs(x))).toBeLessThanOrEqual(Number(formatMs(y)));
    }));
  });
});
