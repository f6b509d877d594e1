import { describe, expect, it } from 'vitest';
import { run } from '../testing/fake';
import { newestRun, olderRun } from './runs';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 26, 12, minute)).toISOString();

describe('olderRun', () => {
  it('orders runs that are over by when they finished, not by id', () => {
    const local = run({ id: 4, started_at: at(20), finished_at: at(30) });
    const lateCI = run({ id: 9, trigger: 'ci', started_at: at(0), finished_at: at(5) });
    expect(olderRun(lateCI, local)).toBe(true);
    expect(olderRun(local, lateCI)).toBe(false);
  });

  it('takes a run going as newer than any run that is over', () => {
    const going = run({ id: 2, status: 'running', started_at: at(0), finished_at: '' });
    const over = run({ id: 3, finished_at: at(50) });
    expect(olderRun(over, going)).toBe(true);
    expect(olderRun(going, over)).toBe(false);
  });

  it('takes a local run over a CI run that finished at the same moment, as the backend does', () => {
    const local = run({ id: 4, finished_at: at(5) });
    const ci = run({ id: 9, trigger: 'ci', finished_at: at(5) });
    expect(olderRun(ci, local)).toBe(true);
    expect(olderRun(local, ci)).toBe(false);
  });

  it('orders runs that finished at the same moment, or at a time that does not parse, by id', () => {
    expect(olderRun(run({ id: 3, finished_at: at(5) }), run({ id: 4, finished_at: at(5) }))).toBe(true);
    expect(olderRun(run({ id: 5, finished_at: '' }), run({ id: 4, finished_at: at(5) }))).toBe(false);
  });
});

describe('newestRun', () => {
  it('is null without runs', () => {
    expect(newestRun([])).toBeNull();
  });

  it('is the run that finished last, though a CI run imported late has a higher id', () => {
    const runs = [run({ id: 9, trigger: 'ci', finished_at: at(5) }), run({ id: 8, finished_at: at(40) }), run({ id: 7, finished_at: at(20) })];
    expect(newestRun(runs)?.id).toBe(8);
  });

  it('is the run going, whenever it started', () => {
    const runs = [run({ id: 9, finished_at: at(50) }), run({ id: 8, status: 'running', started_at: at(10), finished_at: '' })];
    expect(newestRun(runs)?.id).toBe(8);
  });
});
