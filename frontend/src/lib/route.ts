// The location hash names the place and the open run: "#/build/12".

import type { PlaceId } from './types';

const PLACES: readonly PlaceId[] = ['plan', 'code', 'build', 'release', 'deploy', 'operate', 'monitor'];

export interface Route {
  place: PlaceId;
  runId: number | null;
}

export function parseHash(hash: string): Route {
  const [place, run] = hash.replace(/^#\/?/, '').split('/');
  const runId = Number(run);
  return {
    place: PLACES.includes(place as PlaceId) ? (place as PlaceId) : 'build',
    runId: Number.isInteger(runId) && runId > 0 ? runId : null,
  };
}

export function formatHash(route: Route): string {
  return route.runId === null ? `#/${route.place}` : `#/${route.place}/${route.runId}`;
}
