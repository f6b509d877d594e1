import type uPlot from 'uplot';
import { describe, expect, it } from 'vitest';
import { outcome as o } from '../testing/fake';
import { niceCeil, pointText, runLabel, trendData, trendOf, trendOptions, trendSummary } from './trend';

// Newest first, as TestDetail sends it.
const history = [
  o({ run_id: 9, result_id: 90, status: 'failed', duration_ms: 400 }),
  o({ run_id: 7, result_id: 70, status: 'passed', duration_ms: 120 }),
  o({ run_id: 6, result_id: 60, status: 'skipped', duration_ms: 0 }),
  o({ run_id: 4, result_id: 40, status: 'passed', duration_ms: 100 }),
  o({ run_id: 2, result_id: 20, status: 'errored', duration_ms: 5 }),
];
const colours = { line: 'blue', fail: 'red', median: 'amber', grid: 'grey', text: 'white' };

describe('trendOf', () => {
  it('goes oldest to newest, leaves out skipped runs, and splits passing from failing durations', () => {
    const t = trendOf(history, 110);
    expect(t.runIds).toEqual([2, 4, 7, 9]);
    expect(t.passing).toEqual([null, 100, 120, null]);
    expect(t.failing).toEqual([5, null, null, 400]);
    expect(t.medianMs).toBe(110);
    expect(t.maxMs).toBe(400);
  });

  it('is empty without history', () => {
    expect(trendOf([], 0)).toEqual({ runIds: [], passing: [], failing: [], medianMs: 0, maxMs: 0 });
    expect(trendSummary(trendOf([], 0))).toBe('No durations to show.');
  });
});

describe('trendData', () => {
  it('gives uPlot the positions, both series and the median rule', () => {
    expect(trendData(trendOf(history, 110))).toEqual([
      [0, 1, 2, 3],
      [null, 100, 120, null],
      [5, null, null, 400],
      [110, 110, 110, 110],
    ]);
    expect(trendData(trendOf(history, 0))[3]).toEqual([null, null, null, null]);
  });
});

describe('trendOptions', () => {
  const t = trendOf(history, 110);
  const opts = trendOptions(t, 400, 120, colours);
  const u = {} as uPlot;

  it('sizes the chart and names the series', () => {
    expect(opts.width).toBe(400);
    expect(opts.height).toBe(120);
    expect(opts.series.map((s) => s.label)).toEqual(['run', 'passed', 'failed', 'median']);
    expect(opts.series[1]).toMatchObject({ stroke: 'blue', spanGaps: true });
    expect(opts.series[2].stroke).toBe('red');
    expect(opts.series[2].paths?.(u, 2, 0, 3)).toBeNull();
    expect(opts.series[3]).toMatchObject({ stroke: 'amber', dash: [4, 4] });
  });

  it('starts the y axis at zero with room above the longest run, and pads x by half a run', () => {
    const y = opts.scales!.y.range as (u: uPlot, min: number, max: number) => [number, number];
    const x = opts.scales!.x.range as (u: uPlot, min: number, max: number) => [number, number];
    expect(y(u, 5, 400)).toEqual([0, 500]);
    expect(x(u, 0, 3)).toEqual([-0.5, 3.5]);
    const splits = opts.axes![1].splits as (u: uPlot) => number[];
    expect(splits(u)).toEqual([0, 250, 500]);
  });

  it.each([
    [0, 1],
    [0.4, 1],
    [1, 1],
    [8.05, 10],
    [23, 25],
    [460, 500],
    [1150, 2000],
    [100, 100],
  ])('rounds the top of the y axis up: %d → %d', (v, want) => {
    expect(niceCeil(v)).toBe(want);
  });

  it('labels runs and durations', () => {
    const xValues = opts.axes![0].values as (u: uPlot, splits: number[]) => string[];
    const yValues = opts.axes![1].values as (u: uPlot, splits: number[]) => string[];
    expect(xValues(u, [0, 0.5, 1, 3, 4])).toEqual(['#2', '', '#4', '#9', '']);
    expect(yValues(u, [0, 250, 1500])).toEqual(['0ms', '250ms', '1.5s']);
    const value = opts.series[1].value as (u: uPlot, v: number | null, si: number, i: number | null) => string;
    expect(value(u, 1200, 1, 0)).toBe('1.2s');
    expect(value(u, null, 1, 0)).toBe('—');
    const run = opts.series[0].value as (u: uPlot, v: number | null, si: number, i: number | null) => string;
    expect(run(u, 2, 0, 2)).toBe('#7');
    expect(runLabel(t, null)).toBe('');
  });

  it('reports the run under the cursor, for the readout', () => {
    expect(opts.legend).toEqual({ show: false });
    const seen: (number | null)[] = [];
    const hooked = trendOptions(t, 400, 120, colours, (i) => seen.push(i));
    const setCursor = hooked.hooks!.setCursor![0]!;
    setCursor({ cursor: { idx: 3 } } as uPlot);
    setCursor({ cursor: { idx: null } } as uPlot);
    expect(seen).toEqual([3, null]);
    expect(pointText(t, 3)).toBe('#9 · failed · 400ms');
    expect(pointText(t, 1)).toBe('#4 · passed · 100ms');
    expect(pointText(t, null)).toBe('');
    expect(pointText(t, 9)).toBe('');
  });

  it('says in words what it shows', () => {
    expect(trendSummary(t)).toBe('Duration over 4 runs, median 110ms, fastest 100ms, slowest 120ms, 2 failed.');
  });
});
