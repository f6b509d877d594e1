import { describe, expect, it, vi } from 'vitest';
import {
  bandLabel,
  bandTone,
  chartEmpty,
  chartMax,
  dayDrill,
  debounce,
  deployChart,
  doraTiles,
  drillSize,
  durationChart,
  flakyChart,
  formatPerWeek,
  formatShare,
  formatWait,
  passRateChart,
  readout,
  tileDrill,
  uptimeTitle,
  uptimeTone,
  weekDrill,
} from './monitor';
import { doraReport, trendDay, trends } from './monitor.fixtures';

describe('figures for humans', () => {
  it('reads deploys per week, waits and shares, with a dash for no figure', () => {
    expect(formatPerWeek(2.3333)).toBe('2.3 / week');
    expect(formatPerWeek(3)).toBe('3 / week');
    expect(formatPerWeek(null)).toBe('—');
    expect(formatWait(null)).toBe('—');
    expect(formatWait(40_000)).toBe('40 s');
    expect(formatWait(12 * 60_000)).toBe('12 min');
    expect(formatWait((3 * 60 + 20) * 60_000)).toBe('3 h 20 min');
    expect(formatWait(2 * 3_600_000)).toBe('2 h');
    expect(formatWait((2 * 24 + 4) * 3_600_000)).toBe('2 d 4 h');
    expect(formatWait(3 * 24 * 3_600_000)).toBe('3 d');
    expect(formatShare(0.25)).toBe('25 %');
    expect(formatShare(0.9956)).toBe('99.5 %');
    expect(formatShare(1)).toBe('100 %');
    expect(formatShare(0)).toBe('0 %');
    expect(formatShare(null)).toBe('—');
  });
});

describe('bands', () => {
  it('colours Four Keys bands from best to worst and names them', () => {
    expect(['daily', 'weekly', 'monthly', 'yearly', 'none'].map(bandTone)).toEqual(['elite', 'high', 'medium', 'low', 'none']);
    expect(['one_day', 'one_week', 'one_month', 'six_months', 'one_year'].map(bandTone)).toEqual(['elite', 'high', 'medium', 'low', 'low']);
    expect(['0-15%', '16-30%', '31-45%', '46-60%', '61-100%'].map(bandTone)).toEqual(['elite', 'high', 'medium', 'low', 'low']);
    expect(bandLabel('one_week')).toBe('within a week');
    expect(bandLabel('16-30%')).toBe('16–30 %');
    expect(bandLabel('none')).toBe('no data');
    expect(bandTone('something new')).toBe('none');
  });
});

describe('doraTiles', () => {
  it('gives each key its figure, raw value, band, count and definition', () => {
    const [f, l, c, r] = doraTiles(doraReport());
    expect(f).toMatchObject({ id: 'frequency', figure: '2.3 / week', value: '2.33', tone: 'high', count: '10 deploys on 7 days' });
    expect(f.definition).toContain('successful production deploys');
    expect(l).toMatchObject({ id: 'lead-time', figure: '3 h 20 min', value: String(12_000_000), bandLabel: 'within a day', count: 'median of 14 commits' });
    expect(c).toMatchObject({ id: 'change-failure', figure: '25 %', value: '0.25', tone: 'high', count: '1 of 4 deploys failed' });
    expect(r).toMatchObject({ id: 'restore', figure: '45 min', value: String(2_700_000), count: 'median of 1 incident' });
  });

  it('says how many incidents are still open beside the time to restore', () => {
    const [, , , r] = doraTiles(doraReport({ restore: { median_ms: 60_000, incidents: 2, open: 1, band: 'one_day', definition: 'd' } }));
    expect(r.count).toBe('median of 2 incidents · 1 still open');
  });

  it('shows a dash and an empty raw value where there is no figure', () => {
    const empty = doraReport({
      lead_time: { median_ms: null, commits: 0, ignored: 0, band: 'none', definition: 'd' },
      change_failure: { rate: null, failed: 0, deploys: 0, band: 'none', definition: 'd' },
      restore: { median_ms: null, incidents: 0, open: 0, band: 'none', definition: 'd' },
    });
    const [, l, c, r] = doraTiles(empty);
    for (const t of [l, c, r]) {
      expect(t.figure).toBe('—');
      expect(t.value).toBe('');
      expect(t.tone).toBe('none');
    }
  });
});

describe('tileDrill', () => {
  const r = doraReport();

  it('lists the successful deploys for frequency and every deploy with its lead for lead time', () => {
    const f = tileDrill(r, 'frequency');
    expect(f.kind === 'deploys' && f.deploys.map((d) => d.id)).toEqual([45, 41]);
    const l = tileDrill(r, 'lead-time');
    expect(l.kind === 'deploys' && l.deploys.map((d) => [d.id, d.detail])).toEqual([
      [45, '3 commits, median lead 2 h'],
      [43, '1 commit, median lead —'],
      [41, '10 commits, median lead 5 h'],
    ]);
  });

  it('puts failed changes first, with why', () => {
    const c = tileDrill(r, 'change-failure');
    expect(c.kind === 'deploys' && c.deploys.map((d) => [d.id, d.failed, d.detail])).toEqual([
      [43, true, 'failed: health gate, incident #3'],
      [45, false, 'no failure'],
      [41, false, 'no failure'],
    ]);
  });

  it('lists the incidents for time to restore', () => {
    const t = tileDrill(r, 'restore');
    expect(t.kind).toBe('incidents');
    expect(drillSize(t)).toBe(1);
    expect(t.title).toBe('Incidents of the last 30 days and their time to restore');
  });
});

describe('day and week drill-downs', () => {
  const t = trends();

  it('lists the runs of a day, or its flaky tests', () => {
    const runs = dayDrill(t, 'pass-rate', 1)!;
    expect(runs.kind === 'runs' && runs.runs.map((r) => r.id)).toEqual([4, 5, 6]);
    expect(runs.title).toBe('Runs counted on 2026-03-19');
    const flaky = dayDrill(t, 'flaky', 0)!;
    expect(flaky.kind === 'tests' && flaky.tests.map((x) => [x.name, x.runs])).toEqual([['TestA', [1, 2]]]);
    expect(dayDrill(t, 'duration', 9)).toBeNull();
  });

  it('lists the deploys of a week, of every target or one, oldest first', () => {
    const all = weekDrill(t, 1, '')!;
    expect(all.kind === 'deploys' && all.deploys.map((d) => [d.id, d.failed])).toEqual([
      [3, true],
      [4, false],
      [6, false],
    ]);
    const staging = weekDrill(t, 1, 'staging')!;
    expect(staging.kind === 'deploys' && staging.deploys.map((d) => d.id)).toEqual([6]);
    expect(staging.title).toBe('Deploys to staging in 2026-W12 (from 2026-03-16)');
  });
});

describe('chart data', () => {
  const t = trends();

  it('gives the duration chart the medians and 90th percentiles per day, null where none', () => {
    expect(durationChart(t)).toEqual({
      labels: ['03-18', '03-19', '03-20'],
      series: [
        [2000, 4000, null],
        [3000, 6000, null],
        [3000, 2250, null],
        [4000, 3000, null],
      ],
    });
  });

  it('gives the pass rate in percent and the flaky count', () => {
    expect(passRateChart(t).series).toEqual([[50, (2 / 3) * 100, null]]);
    expect(flakyChart(t).series).toEqual([[1, 0, 0]]);
  });

  it('gives the deploys per week as the total and the succeeded, of all targets or one', () => {
    expect(deployChart(t, '')).toEqual({ labels: ['W11', 'W12'], series: [[1, 3], [1, 2]] });
    expect(deployChart(t, 'production').series).toEqual([[0, 2], [0, 1]]);
  });

  it('knows its largest figure and whether it has anything to draw', () => {
    expect(chartMax(durationChart(t))).toBe(6000);
    expect(chartEmpty(flakyChart(t))).toBe(false);
    expect(chartEmpty(flakyChart(trends({ daily: [trendDay({ day: '2026-03-20' })] })))).toBe(true);
  });

  it('reads out a point of each chart', () => {
    expect(readout(t, 'duration', 0)).toBe('2026-03-18: build 2.0s (p90 3.0s), test 3.0s (p90 4.0s)');
    expect(readout(t, 'pass-rate', 1)).toBe('2026-03-19: 67 % (2 of 3 runs)');
    expect(readout(t, 'pass-rate', 2)).toBe('2026-03-20: no runs');
    expect(readout(t, 'flaky', 0)).toBe('2026-03-18: 1 flaky test');
    expect(readout(t, 'deploys', 1)).toBe('2026-W12: 2 succeeded, 1 failed');
    expect(readout(t, 'deploys', 1, 'staging')).toBe('2026-W12: 1 succeeded, 0 failed');
    expect(readout(t, 'flaky', null)).toBe('');
  });
});

describe('uptime', () => {
  it('colours a day by its uptime and says the figure', () => {
    expect([1, 0.9995, 0.995, 0.5, null].map(uptimeTone)).toEqual(['good', 'good', 'warn', 'bad', 'none']);
    expect(uptimeTitle({ day: '2026-03-19', total: 200, ok: 199, uptime: 0.995 })).toBe('2026-03-19: 99.5 % up (199 of 200 results)');
    expect(uptimeTitle({ day: '2026-03-19', total: 0, ok: 0, uptime: null })).toBe('2026-03-19: no results');
  });
});

describe('debounce', () => {
  it('calls once after a burst, and not at all once cancelled', () => {
    vi.useFakeTimers();
    try {
      const fn = vi.fn();
      const d = debounce(fn, 100);
      d.call();
      vi.advanceTimersByTime(60);
      d.call();
      d.call();
      vi.advanceTimersByTime(99);
      expect(fn).not.toHaveBeenCalled();
      vi.advanceTimersByTime(1);
      expect(fn).toHaveBeenCalledTimes(1);
      d.call();
      d.cancel();
      vi.advanceTimersByTime(500);
      expect(fn).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
