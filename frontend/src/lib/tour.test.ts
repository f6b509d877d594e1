import { describe, expect, it } from 'vitest';
import { deployInfo as deploy, releaseInfo as release, run } from '../testing/fake';
import {
  TOUR,
  completes,
  loadTour,
  saveTour,
  startTour,
  tourKey,
  tourKeyCommand,
  tourReduce,
  tourTopics,
  workPending,
  type TourInput,
  type TourKeyPress,
  type TourProgress,
} from './tour';
import { TOUR_WORK } from './tourwork';
import type { EventMap, Topic } from './types';

const ev = <T extends Topic>(topic: T, payload: EventMap[T]) => ({ kind: 'event', topic, payload }) as TourInput & { kind: 'event' };
const at = (id: string, done: string[] = [], started: string[] = []): TourProgress => ({ status: 'running', step: TOUR.findIndex((s) => s.id === id), done, started });
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
    expect(TOUR.map((s) => s.place)).toEqual(['plan', 'build', 'build', 'build', 'release', 'deploy', 'deploy', 'monitor', 'deploy', 'plan']);
    expect(TOUR.map((s) => s.action?.work ?? null)).toEqual([
      null,
      'break-test',
      null,
      'undo-break-test',
      'run-and-release',
      'deploy-staging',
      'break-health',
      'incident-card',
      'promote-production',
      null,
    ]);
    for (const s of TOUR) {
      expect(s.title && s.text).toBeTruthy();
      expect(s.text.length, `${s.id}: short`).toBeLessThanOrEqual(160);
      if (s.until) expect(s.waiting && s.done).toBeTruthy();
      if (s.action) {
        expect(TOUR_WORK[s.action.work]).toBeTypeOf('function');
        // The text names the button it explains.
        expect(s.text, s.id).toContain(s.action.label.split(' ')[0]);
      }
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

  it('marks the shown step’s work started, once, while it runs', () => {
    expect(tourReduce(at('code'), { kind: 'work' })).toEqual(at('code', [], ['code']));
    const p = at('code', [], ['code']);
    expect(tourReduce(p, { kind: 'work' })).toBe(p);
    const skipped = { ...at('code'), status: 'skipped' as const };
    expect(tourReduce(skipped, { kind: 'work' })).toBe(skipped);
    // Back and Next keep what was started; a restart forgets it.
    expect(tourReduce(tourReduce(p, { kind: 'next' }), { kind: 'back' })).toEqual(p);
    expect(tourReduce(p, { kind: 'restart' })).toEqual(startTour());
  });

  it('counts a step whose work failed as not started, so that its work is pending again', () => {
    const p = at('release', ['code'], ['code', 'release']);
    const failed = tourReduce(p, { kind: 'failed', step: 'release' });
    expect(failed).toEqual(at('release', ['code'], ['code']));
    expect(workPending(failed)).toBe(true);
    expect(tourReduce(failed, { kind: 'failed', step: 'release' })).toBe(failed);
  });

  it.each([
    ['plan', [], [], false],
    ['code', [], [], true],
    ['code', [], ['code'], false],
    ['code', ['code'], [], false], // the run started before the work: done by hand
    ['fail', [], [], false],
    ['release', ['code', 'fail', 'pass'], [], true],
  ] as const)('at %s (done %o, started %o) work is pending: %s', (id, done, started, want) => {
    expect(workPending(at(id, [...done], [...started]))).toBe(want);
  });

  it('has no pending work when it does not run', () => {
    expect(workPending(null)).toBe(false);
    expect(workPending({ ...at('code'), status: 'skipped' })).toBe(false);
  });

  describe('the clicker’s keys', () => {
    const press = (key: string, over: Partial<TourKeyPress> = {}): TourKeyPress => ({
      key,
      ctrlKey: false,
      metaKey: false,
      altKey: false,
      shiftKey: false,
      defaultPrevented: false,
      target: document.body,
      ...over,
    });
    const s = (over: Partial<{ running: boolean; pending: boolean; busy: boolean }> = {}) => ({ running: true, pending: false, busy: false, ...over });

    it.each([
      ['PageDown', s({ pending: true }), 'work'],
      ['PageDown', s(), 'next'],
      ['ArrowRight', s(), null],
      ['ArrowRight', s({ pending: true }), null],
      ['PageDown', s({ busy: true }), 'wait'],
      ['PageUp', s(), 'back'],
      ['ArrowLeft', s(), null],
      ['PageUp', s({ busy: true }), 'back'],
      ['PageDown', s({ running: false, pending: true }), null],
      ['Enter', s({ pending: true }), null],
      ['ArrowDown', s(), null],
    ] as const)('%s with %o: %s', (key, state, want) => {
      expect(tourKeyCommand(press(key), state)).toBe(want);
    });

    it('leaves text fields, modified keys and keys a control took alone', () => {
      const input = document.createElement('input');
      const area = document.createElement('textarea');
      for (const e of [
        press('PageDown', { target: input }),
        press('PageUp', { target: area }),
        press('PageDown', { ctrlKey: true }),
        press('PageUp', { altKey: true }),
        press('PageDown', { shiftKey: true }),
        press('PageUp', { metaKey: true }),
        press('PageDown', { defaultPrevented: true }),
      ]) {
        expect(tourKeyCommand(e, s({ pending: true })), e.key).toBeNull();
      }
      expect(tourKeyCommand(press('PageDown', { target: document.createElement('button') }), s())).toBe('next');
    });
  });

  it('keeps progress per project, and offers itself on a demo only', () => {
    const s = memoryStorage();
    expect(loadTour(s, '/a', true)).toEqual(startTour());
    expect(loadTour(s, '/a', false)).toBeNull();
    saveTour(s, '/a', at('staging', ['code']));
    expect(loadTour(s, '/a', true)).toEqual(at('staging', ['code']));
    expect(loadTour(s, '/b', false)).toBeNull();
    // Kept before steps had work: nothing was started.
    s.setItem(tourKey('/a'), '{"status":"running","step":2,"done":["code"]}');
    expect(loadTour(s, '/a', true)).toEqual(at('fail', ['code']));
    for (const bad of ['{', '{"status":"running","step":99,"done":[]}', '{"status":"odd","step":0,"done":[]}', '[]', '{"status":"running","step":0,"done":[],"started":[1]}']) {
      s.setItem(tourKey('/a'), bad);
      expect(loadTour(s, '/a', true)).toEqual(startTour());
    }
  });
});
