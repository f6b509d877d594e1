// The location hash names the place and what is open in it:
//   #/build                 the runs
//   #/build/12              run 12 (its tab chosen by the run)
//   #/build/12/tests        run 12's tests;  #/build/12/steps, #/build/12/insights
//   #/build/12/tests/345    run 12's tests with test result 345 open
//   #/build/flaky           the project's flaky tests
//   #/deploy                the targets
//   #/deploy/7              deploy 7's detail (its steps and log)

import type { PlaceId } from './types';

const PLACES: readonly PlaceId[] = ['plan', 'code', 'build', 'release', 'deploy', 'operate', 'monitor'];

/** The run detail's tabs. */
export type RunTab = 'steps' | 'tests' | 'insights';
const TABS: readonly RunTab[] = ['steps', 'tests', 'insights'];

export interface Route {
  place: PlaceId;
  runId: number | null;
  /** The run detail's tab; null: the one the run suggests. */
  tab?: RunTab | null;
  /** The test result open in the tests tab. */
  resultId?: number | null;
  /** The flaky-tests view instead of the runs. */
  flaky?: boolean;
  /** The deploy open in the Deploy place. */
  deployId?: number | null;
}

function id(s: string | undefined): number | null {
  const n = Number(s);
  return s !== undefined && s !== '' && Number.isInteger(n) && n > 0 ? n : null;
}

export function parseHash(hash: string): Required<Route> {
  const [place, run, tab, result] = hash.replace(/^#\/?/, '').split('/');
  if (place === 'deploy') return { place, runId: null, tab: null, resultId: null, flaky: false, deployId: id(run) };
  const flaky = run === 'flaky';
  const runId = flaky ? null : id(run);
  const t = runId !== null && TABS.includes(tab as RunTab) ? (tab as RunTab) : null;
  return {
    place: PLACES.includes(place as PlaceId) ? (place as PlaceId) : 'build',
    runId,
    tab: t,
    resultId: t === 'tests' ? id(result) : null,
    flaky,
    deployId: null,
  };
}

export function formatHash(route: Route): string {
  if (route.place === 'deploy') return route.deployId ? `#/deploy/${route.deployId}` : '#/deploy';
  if (route.flaky) return `#/${route.place}/flaky`;
  if (route.runId === null) return `#/${route.place}`;
  const base = `#/${route.place}/${route.runId}`;
  if (route.resultId) return `${base}/tests/${route.resultId}`;
  return route.tab ? `${base}/${route.tab}` : base;
}

/** The link to a run, or to one of its test results. */
export function runHref(runId: number, resultId?: number | null): string {
  return formatHash({ place: 'build', runId, tab: resultId ? 'tests' : null, resultId: resultId ?? null });
}

/** The link to a deploy's detail. */
export function deployHref(deployId: number): string {
  return formatHash({ place: 'deploy', runId: null, deployId });
}
