import { describe, expect, it } from 'vitest';
import { deployHref, formatHash, parseHash, runHref, type Route } from './route';

const none = { tab: null, resultId: null, flaky: false, deployId: null };

describe('route', () => {
  it.each([
    ['', { place: 'build', runId: null, ...none }],
    ['#/plan', { place: 'plan', runId: null, ...none }],
    ['#/build/12', { place: 'build', runId: 12, ...none }],
    ['#/build/x', { place: 'build', runId: null, ...none }],
    ['#/nowhere/3', { place: 'build', runId: 3, ...none }],
    ['#/build/12/tests', { place: 'build', runId: 12, ...none, tab: 'tests' }],
    ['#/build/12/insights', { place: 'build', runId: 12, ...none, tab: 'insights' }],
    ['#/build/12/steps/4', { place: 'build', runId: 12, ...none, tab: 'steps' }],
    ['#/build/12/tests/345', { place: 'build', runId: 12, ...none, tab: 'tests', resultId: 345 }],
    ['#/build/12/tests/-1', { place: 'build', runId: 12, ...none, tab: 'tests' }],
    ['#/build/12/nope/3', { place: 'build', runId: 12, ...none }],
    ['#/build/flaky', { place: 'build', runId: null, ...none, flaky: true }],
    ['#/deploy', { place: 'deploy', runId: null, ...none }],
    ['#/deploy/7', { place: 'deploy', runId: null, ...none, deployId: 7 }],
    ['#/deploy/7/tests/3', { place: 'deploy', runId: null, ...none, deployId: 7 }],
    ['#/deploy/x', { place: 'deploy', runId: null, ...none }],
  ])('%s', (hash, want) => {
    expect(parseHash(hash)).toEqual(want);
  });

  it.each<[Route, string]>([
    [{ place: 'build', runId: 12 }, '#/build/12'],
    [{ place: 'deploy', runId: null }, '#/deploy'],
    [{ place: 'build', runId: 12, tab: 'insights' }, '#/build/12/insights'],
    [{ place: 'build', runId: 12, tab: 'tests', resultId: 9 }, '#/build/12/tests/9'],
    [{ place: 'build', runId: null, flaky: true }, '#/build/flaky'],
    [{ place: 'deploy', runId: null, deployId: 7 }, '#/deploy/7'],
  ])('round-trips %j', (route, hash) => {
    expect(formatHash(route)).toBe(hash);
    expect(parseHash(hash)).toMatchObject(route);
  });

  it('links to a run and to a test result in it', () => {
    expect(runHref(7)).toBe('#/build/7');
    expect(runHref(7, 31)).toBe('#/build/7/tests/31');
  });

  it("links to a deploy's detail", () => {
    expect(deployHref(12)).toBe('#/deploy/12');
  });
});
