import { describe, expect, it } from 'vitest';
import { deployInfo as deploy, releaseInfo as release, run } from '../testing/fake';
import { TOUR, completes, loadTour, saveTour, startTour, tourKey, tourReduce, tourTopics, type TourInput, type TourProgress } from './tour';
import type { EventMap, Topic } from './types';

const ev = <T extends Topic>(topic: T, payload: EventMap[T]) => ({ kind: 'event', topic, payload }) as TourInput & { kind: 'event' };
const at = (id: string, done: string[] = []): TourProgress => ({ status: 'running', step: TOUR.findIndex((s) => s.id === id), done });
const step = (id: string) => TOUR.find((s) => s.id === id)!;

function memoryStorage(): Storage {
  const m = new Map<string, string>();
  return {
    get length() {
      return m.size;
    },
    clear: () => m.clear(),
    getItem: (k) => m.get(k) ?? null,
    key: (i) => [...m.keys()][i] ?? null,
    removeItem: (k) => void m.delete(k),
    setItem: (k, v) => void m.set(k, v),
  };
}

describe('the tour', () => {
  it('walks the loop and back to Plan, each step on a stage', () => {
    expect(TOUR.map((s) => s.stage)).toEqual(['plan', 'code', 'test', 'test', 'release', 'deploy', 'operate', 'monitor', 'deploy', 'plan']);
    for (const s of TOUR) {
      expect(s.title && s.text).toBeTruthy();
      if (s.until) expect(s.waiting && s.done).toBeTruthy();
    }
    expect(tourTopics().sort()).toEqual(['deploy.updated', 'incident.updated', 'release.created', 'run.finished', 'run.started']);
  });

  it.each([
    ['code', ev('run.started', run({ trigger: 'change' })), true],
    ['code', ev('run.started', run({ trigger: 'manual' })), false],
    ['fail', ev('run.finished', run({ status: 'failed' })), true],
    ['fail', ev('run.finished', run({ status: 'passed' })), false],
    ['fail', ev('run.started', run({ status: 'failed' })), false],
    ['pass', ev('run.finished', run({ status: 'passed' })), true],
    ['release', ev('release.created', release({ dry_run: false })), true],
    ['release', ev('release.created', release({ dry_run: true })), false],
    ['staging', ev('deploy.updated', deploy({ target: 'staging', status: 'succeeded' })), true],
    ['staging', ev('deploy.updated', deploy({ target: 'staging', status: 'running' })), false],
    ['staging', ev('deploy.updated', deploy({ target: 'production', status: 'succeeded' })), false],
    ['break-health', ev('deploy.updated', deploy({ target: 'staging', status: 'failed' })), true],
    ['break-health', ev('deploy.updated', deploy({ target: 'staging', kind: 'rollback', status: 'failed' })), false],
    ['production', ev('deploy.updated', deploy({ target: 'production', kind: 'promote', status: 'succeeded' })), true],
    ['plan', ev('run.finished', run({ status: 'failed' })), false],
  ] as const)('step %s completes on %o: %s', (id, input, want) => {
    expect(completes(step(id), input)).toBe(want);
  });

  it('an event completes the step shown', () => {
    expect(tourReduce(at('fail'), ev('run.finished', run({ status: 'failed' })))).toEqual(at('fail', ['fail']));
    const p = at('fail');
    expect(tourReduce(p, ev('run.finished', run({ status: 'passed' })))).toBe(p);
  });

  it('an event counts for the next step once the step shown is done or waits for nothing', () => {
    // The run fails before the presenter leaves the Code step.
    expect(tourReduce(at('code', ['code']), ev('run.finished', run({ status: 'failed' })))).toEqual(at('code', ['code', 'fail']));
    expect(tourReduce(at('plan'), ev('run.started', run({ trigger: 'change' })))).toEqual(at('plan', ['code']));
    // A green run that ends while the failing one is awaited is not the fix.
    const waiting = at('fail');
    expect(tourReduce(waiting, ev('run.finished', run({ status: 'passed' })))).toBe(waiting);
    // No further than the next step.
    const early = at('plan');
    expect(tourReduce(early, ev('run.finished', run({ status: 'failed' })))).toBe(early);
  });

  it('moves with Next and Back, finishes after the last step, skips and restarts', () => {
    expect(tourReduce(at('plan'), { kind: 'next' })).toEqual(at('code'));
    expect(tourReduce(at('plan'), { kind: 'back' })).toEqual(at('plan'));
    expect(tourReduce(at('back', ['x']), { kind: 'next' })).toEqual({ ...at('back', ['x']), status: 'finished' });
    const skipped = tourReduce(at('release'), { kind: 'skip' });
    expect(skipped.status).toBe('skipped');
    expect(tourReduce(skipped, ev('release.created', release()))).toBe(skipped);
    expect(tourReduce(skipped, { kind: 'restart' })).toEqual(startTour());
  });

  it('keeps progress per project, and offers itself on a demo only', () => {
    const s = memoryStorage();
    expect(loadTour(s, '/a', true)).toEqual(startTour());
    expect(loadTour(s, '/a', false)).toBeNull();
    saveTour(s, '/a', at('staging', ['code']));
    expect(loadTour(s, '/a', true)).toEqual(at('staging', ['code']));
    expect(loadTour(s, '/b', false)).toBeNull();
    for (const bad of ['{', '{"status":"running","step":99,"done":[]}', '{"status":"odd","step":0,"done":[]}', '[]']) {
      s.setItem(tourKey('/a'), bad);
      expect(loadTour(s, '/a', true)).toEqual(startTour());
    }
  });
});
