// Monitor payloads for tests: a DORA report and trends whose figures are small enough to
// check by hand. Each builder takes overrides.

import type { DoraDeploy, DoraIncident, DoraReport, TrendDay, Trends } from './types';

export function doraDeploy(over: Partial<DoraDeploy> = {}): DoraDeploy {
  return {
    id: 41,
    target: 'production',
    kind: 'promote',
    version: '1.2.0',
    commit: '8c1d2e4f00000000000000000000000000000000',
    finished: '2026-03-10T12:00:00.000Z',
    status: 'succeeded',
    commits: 10,
    lead_median_ms: 5 * 3_600_000,
    failed: false,
    failed_by: [],
    ...over,
  };
}

export function doraIncident(over: Partial<DoraIncident> = {}): DoraIncident {
  return {
    id: 3,
    kind: 'check_down',
    title: 'target:production is DOWN: status 503',
    target: 'production',
    started: '2026-03-15T08:00:00.000Z',
    resolved: '2026-03-15T08:45:00.000Z',
    restore_ms: 2_700_000,
    deploy_id: 43,
    ...over,
  };
}

export function doraReport(over: Partial<DoraReport> = {}): DoraReport {
  return {
    days: 30,
    from: '2026-02-19T00:00:00.000Z',
    to: '2026-03-21T00:00:00.000Z',
    targets: ['production'],
    frequency: { deploys: 10, deploy_days: 7, per_week: 2.33, band: 'weekly', definition: 'How often successful production deploys happen.' },
    lead_time: { median_ms: 12_000_000, commits: 14, ignored: 0, band: 'one_day', definition: 'Median time from commit to production.' },
    change_failure: { rate: 0.25, failed: 1, deploys: 4, band: '16-30%', definition: 'Share of production deploys that failed.' },
    restore: { median_ms: 2_700_000, incidents: 1, open: 0, band: 'one_day', definition: 'Median incident duration.' },
    deploys: [
      doraDeploy({ id: 45, commits: 3, lead_median_ms: 2 * 3_600_000, finished: '2026-03-18T12:00:00.000Z' }),
      doraDeploy({ id: 43, commits: 1, lead_median_ms: null, status: 'failed', failed: true, failed_by: ['health gate', 'incident #3'] }),
      doraDeploy({ id: 41 }),
    ],
    incidents: [doraIncident()],
    ...over,
  };
}

export function trendDay(over: Partial<TrendDay> = {}): TrendDay {
  return {
    day: '2026-03-20',
    runs: [],
    passed: 0,
    pass_rate: null,
    build: { median_ms: null, p90_ms: null, runs: 0 },
    test: { median_ms: null, p90_ms: null, runs: 0 },
    flaky: [],
    ...over,
  };
}

const run = (id: number, status: string, build: number | null, test: number | null) => ({
  id,
  status,
  finished_at: '2026-03-19T08:00:00.000Z',
  build_ms: build,
  test_ms: test,
});

/** Three days (the 18th to the 20th) and two weeks, as the Go test's crafted history. */
export function trends(over: Partial<Trends> = {}): Trends {
  return {
    days: 7,
    from: '2026-03-18T00:00:00.000Z',
    to: '2026-03-21T00:00:00.000Z',
    daily: [
      trendDay({
        day: '2026-03-18',
        runs: [run(1, 'passed', 1000, 4000), run(2, 'failed', 3000, 2000)],
        passed: 1,
        pass_rate: 0.5,
        build: { median_ms: 2000, p90_ms: 3000, runs: 2 },
        test: { median_ms: 3000, p90_ms: 4000, runs: 2 },
        flaky: [{ test_id: 7, suite: 'pkg', name: 'TestA', runs: [1, 2] }],
      }),
      trendDay({
        day: '2026-03-19',
        runs: [run(4, 'passed', 2000, 1500), run(5, 'timeout', 4000, null), run(6, 'passed', 6000, 3000)],
        passed: 2,
        pass_rate: 2 / 3,
        build: { median_ms: 4000, p90_ms: 6000, runs: 3 },
        test: { median_ms: 2250, p90_ms: 3000, runs: 2 },
      }),
      trendDay({ day: '2026-03-20' }),
    ],
    targets: ['production', 'staging'],
    weeks: [
      {
        week: '2026-W11',
        start: '2026-03-09',
        targets: [
          { target: 'production', succeeded: 0, failed: 0, deploys: [] },
          {
            target: 'staging',
            succeeded: 1,
            failed: 0,
            deploys: [{ id: 2, target: 'staging', kind: 'deploy', version: '1.0.0', status: 'succeeded', finished_at: '2026-03-15T12:00:00.000Z' }],
          },
        ],
      },
      {
        week: '2026-W12',
        start: '2026-03-16',
        targets: [
          {
            target: 'production',
            succeeded: 1,
            failed: 1,
            deploys: [
              { id: 3, target: 'production', kind: 'promote', version: '1.0.0', status: 'failed', finished_at: '2026-03-16T00:30:00.000Z' },
              { id: 4, target: 'production', kind: 'promote', version: '1.0.0', status: 'succeeded', finished_at: '2026-03-17T12:00:00.000Z' },
            ],
          },
          {
            target: 'staging',
            succeeded: 1,
            failed: 0,
            deploys: [{ id: 6, target: 'staging', kind: 'rollback', version: '1.0.0', status: 'succeeded', finished_at: '2026-03-19T12:00:00.000Z' }],
          },
        ],
      },
    ],
    uptime: [
      {
        check: 'target:staging',
        kind: 'target',
        name: 'staging',
        url: 'http://127.0.0.1:8080/healthz',
        uptime: 0.75,
        days: [
          { day: '2026-03-18', total: 0, ok: 0, uptime: null },
          { day: '2026-03-19', total: 3, ok: 2, uptime: 2 / 3 },
          { day: '2026-03-20', total: 1, ok: 1, uptime: 1 },
        ],
      },
    ],
    ...over,
  };
}
