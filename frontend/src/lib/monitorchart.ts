// uPlot options for the Monitor charts, from lib/monitor.ts's ChartData: lines for the build
// and test time, the pass rate and the flaky tests, bars for the deploys per week. Pure, so
// what each chart is given is tested without a canvas.

import uPlot from 'uplot';
import { formatDuration } from './format';
import type { ChartData, ChartId } from './monitor';
import { chartMax } from './monitor';
import { niceCeil } from './trend';

export interface ChartColours {
  build: string;
  test: string;
  ok: string;
  fail: string;
  grid: string;
  text: string;
}

export interface SeriesStyle {
  label: string;
  stroke: string;
  dash?: number[];
  bars?: boolean;
}

/** The series of each chart, in the order of its ChartData. */
export function chartStyles(chart: ChartId, c: ChartColours): SeriesStyle[] {
  switch (chart) {
    case 'duration':
      return [
        { label: 'build median', stroke: c.build },
        { label: 'build p90', stroke: c.build, dash: [4, 4] },
        { label: 'test median', stroke: c.test },
        { label: 'test p90', stroke: c.test, dash: [4, 4] },
      ];
    case 'pass-rate':
      return [{ label: 'pass rate', stroke: c.ok }];
    case 'flaky':
      return [{ label: 'flaky tests', stroke: c.fail }];
    case 'deploys':
      return [
        { label: 'failed', stroke: c.fail, bars: true },
        { label: 'succeeded', stroke: c.ok, bars: true },
      ];
  }
}

/** How the y axis reads and where it tops out. */
export function yAxis(chart: ChartId, c: ChartData): { top: number; format: (v: number) => string } {
  if (chart === 'pass-rate') return { top: 100, format: (v) => `${Math.round(v)} %` };
  if (chart === 'duration') return { top: niceCeil(chartMax(c) * 1.15), format: formatDuration };
  return { top: Math.max(2, niceCeil(chartMax(c))), format: (v) => String(Math.round(v)) };
}

/** x is the position of the day or week. */
export function chartAligned(c: ChartData): uPlot.AlignedData {
  return [c.labels.map((_, i) => i), ...c.series];
}

export interface ChartHooks {
  /** The position under the cursor, or null when it leaves. */
  onhover?: (i: number | null) => void;
  /** A click on the plot: the position under the cursor. */
  onpick?: (i: number) => void;
}

const bars = uPlot.paths.bars?.({ size: [0.7, 40] });

/** The chart's options; uPlot's legend is off, the component shows a key and a readout. */
export function chartOptions(chart: ChartId, c: ChartData, width: number, height: number, colours: ChartColours, hooks: ChartHooks = {}): uPlot.Options {
  const axis = { stroke: colours.text, grid: { stroke: colours.grid, width: 1 }, ticks: { stroke: colours.grid, width: 1 }, font: '11px sans-serif' };
  const y = yAxis(chart, c);
  const label = (x: number) => (Number.isInteger(x) ? (c.labels[x] ?? '') : '');
  const ready = (u: uPlot) => {
    u.over.addEventListener('click', () => {
      const i = u.cursor.idx;
      if (i != null) hooks.onpick?.(i);
    });
  };
  return {
    width,
    height,
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { size: 7 } },
    hooks: {
      ready: hooks.onpick ? [ready] : [],
      setCursor: hooks.onhover ? [(u: uPlot) => hooks.onhover!(u.cursor.idx ?? null)] : [],
    },
    scales: {
      x: { time: false, range: () => [-0.5, Math.max(0.5, c.labels.length - 0.5)] },
      y: { range: () => [0, y.top] },
    },
    axes: [
      { ...axis, incrs: [1, 2, 7, 14], values: (_u, splits) => splits.map(label) },
      { ...axis, size: 56, splits: () => [0, y.top / 2, y.top], values: (_u, splits) => splits.map(y.format) },
    ],
    series: [
      { label: 'day' },
      ...chartStyles(chart, colours).map(
        (s): uPlot.Series =>
          s.bars
            ? { label: s.label, stroke: s.stroke, fill: s.stroke, paths: bars, points: { show: false } }
            : { label: s.label, stroke: s.stroke, width: 1.5, dash: s.dash, spanGaps: true, points: { show: !s.dash, size: 4, fill: s.stroke } },
      ),
    ],
  };
}
