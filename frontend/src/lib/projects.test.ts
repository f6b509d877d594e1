import { describe, expect, it } from 'vitest';
import { run } from '../testing/fake';
import { currentProject, MAX_RECENT, openedAgo, openEntries, recentEntries, runDot } from './projects';
import { DAY_MS, NOW, openProject, projectsInfo, recentProject } from './projects.fixtures';

describe('openedAgo', () => {
  const cases: [string, number, string][] = [
    ['a moment ago', 20_000, 'opened just now'],
    ['in the future (clock skew)', -60_000, 'opened just now'],
    ['one minute', 60_000, 'opened 1 minute ago'],
    ['minutes', 42 * 60_000, 'opened 42 minutes ago'],
    ['one hour', 3_600_000, 'opened 1 hour ago'],
    ['hours', 5 * 3_600_000 + 59 * 60_000, 'opened 5 hours ago'],
    ['one day', DAY_MS + 1, 'opened 1 day ago'],
    ['days', 3 * DAY_MS, 'opened 3 days ago'],
    ['almost two weeks', 13 * DAY_MS, 'opened 13 days ago'],
    ['weeks', 20 * DAY_MS, 'opened 2 weeks ago'],
    ['months', 95 * DAY_MS, 'opened 3 months ago'],
    ['a year', 400 * DAY_MS, 'opened over a year ago'],
  ];
  for (const [name, ago, want] of cases) {
    it(name, () => expect(openedAgo(NOW - ago, NOW)).toBe(want));
  }
  it('says never without a time', () => expect(openedAgo(0, NOW)).toBe('never opened'));
});

describe('recentEntries', () => {
  it('is empty before the projects are loaded', () => {
    expect(recentEntries(null)).toEqual([]);
  });

  it('lists newest first, ties in the order given, and marks the open and the current ones', () => {
    const info = projectsInfo({
      current: '/a',
      open: [openProject({ path: '/a' }), openProject({ path: '/c' })],
      recent: [
        recentProject({ path: '/b', openedMs: NOW - 2 * DAY_MS }),
        recentProject({ path: '/a', openedMs: NOW }),
        recentProject({ path: '/c', openedMs: NOW - 2 * DAY_MS }),
        recentProject({ path: '/gone', openedMs: NOW - DAY_MS, exists: false }),
      ],
    });
    const got = recentEntries(info);
    expect(got.map((e) => e.path)).toEqual(['/a', '/gone', '/b', '/c']);
    expect(got.map((e) => [e.open, e.current])).toEqual([
      [true, true],
      [false, false],
      [false, false],
      [true, false],
    ]);
    expect(got[1].exists).toBe(false);
  });

  it('lists at most MAX_RECENT', () => {
    const recent = Array.from({ length: 30 }, (_, i) => recentProject({ path: `/p${i}`, openedMs: NOW - i }));
    expect(recentEntries(projectsInfo({ recent }))).toHaveLength(MAX_RECENT);
  });
});

describe('openEntries', () => {
  const at = (minute: number) => new Date(NOW + minute * 60_000).toISOString();
  const info = projectsInfo({
    current: '/b',
    open: [
      openProject({ path: '/a', lastRun: run({ id: 7, status: 'failed', finished_at: at(0) }) }),
      openProject({ path: '/b', lastRun: run({ id: 3, finished_at: at(0) }) }),
    ],
  });

  it('keeps the order given and marks the current one from `current`', () => {
    const got = openEntries(info);
    expect(got.map((p) => [p.path, p.current])).toEqual([
      ['/a', false],
      ['/b', true],
    ]);
  });

  it("shows the current project's live run when it is going, or finished later, or at the same time with an id as high or higher", () => {
    const going = (id: number) => openEntries(info, run({ id, status: 'running', finished_at: '' })).map((p) => p.lastRun?.id);
    expect(going(2)).toEqual([7, 2]);
    const over = (id: number, minute: number) => openEntries(info, run({ id, finished_at: at(minute) })).map((p) => p.lastRun?.id);
    expect(over(4, 1)).toEqual([7, 4]);
    expect(over(4, 0)).toEqual([7, 4]);
    expect(over(3, 0)).toEqual([7, 3]);
    expect(over(2, 0)).toEqual([7, 3]);
    expect(over(2, 1)).toEqual([7, 2]);
  });

  it('keeps the newer local run over a CI run of an older commit imported after it', () => {
    const ci = run({ id: 9, trigger: 'ci', status: 'failed', started_at: at(-60), finished_at: at(-55) });
    expect(openEntries(info, ci).map((p) => p.lastRun?.id)).toEqual([7, 3]);
  });

  it('orders by id runs whose finish does not parse', () => {
    expect(openEntries(info, run({ id: 4, finished_at: '' })).map((p) => p.lastRun?.id)).toEqual([7, 4]);
    expect(openEntries(info, run({ id: 2, finished_at: '' })).map((p) => p.lastRun?.id)).toEqual([7, 3]);
  });

  it('takes a newer current path over the one in the list', () => {
    expect(openEntries(info, null, '/a').map((p) => p.current)).toEqual([true, false]);
    expect(currentProject(info, '/a')?.path).toBe('/a');
    expect(recentEntries(projectsInfo({ current: '/a', recent: [recentProject({ path: '/b' })] }), '/b')[0].current).toBe(true);
  });

  it('finds the current project', () => {
    expect(currentProject(info)?.path).toBe('/b');
    expect(currentProject(projectsInfo())).toBeNull();
    expect(currentProject(null)).toBeNull();
  });
});

describe('runDot', () => {
  it('says when there is no run yet', () => {
    expect(runDot(null)).toEqual({ status: 'none', mark: '○', label: 'no runs yet' });
  });
  it("names the last run's status with its mark", () => {
    expect(runDot(run({ status: 'failed' }))).toEqual({ status: 'failed', mark: '✗', label: 'last run failed' });
    expect(runDot(run({ status: 'passed' })).mark).toBe('✓');
  });
});
