import { describe, expect, it } from 'vitest';
import { flakyReason, flakyReasons } from './flaky';

describe('flaky reasons', () => {
  it.each([
    ['passed-on-retry', 4, 'passed on retry'],
    ['same-code', 4, 'failed and passed on the same code'],
    ['flips', 4, 'flipped 4 times'],
    ['flips', 1, 'flipped 1 time'],
    ['timed-out_sometimes', 0, 'timed out sometimes'],
  ])('%s (flips %d) → %s', (reason, flips, want) => {
    expect(flakyReason(reason, { flips })).toBe(want);
  });

  it('turns every reason into words, in order', () => {
    expect(flakyReasons({ reasons: ['same-code', 'flips'], flips: 5 })).toEqual(['failed and passed on the same code', 'flipped 5 times']);
  });
});
