import { describe, expect, it } from 'vitest';
import { formatHash, parseHash } from './route';

describe('route', () => {
  it.each([
    ['', { place: 'build', runId: null }],
    ['#/plan', { place: 'plan', runId: null }],
    ['#/build/12', { place: 'build', runId: 12 }],
    ['#/build/x', { place: 'build', runId: null }],
    ['#/nowhere/3', { place: 'build', runId: 3 }],
  ])('%s', (hash, want) => {
    expect(parseHash(hash)).toEqual(want);
  });

  it('round-trips', () => {
    expect(formatHash({ place: 'build', runId: 12 })).toBe('#/build/12');
    expect(parseHash(formatHash({ place: 'deploy', runId: null }))).toEqual({ place: 'deploy', runId: null });
  });
});
