// A test's duration trend for uPlot: its last runs oldest to newest, the passing durations as a
// line, failures as red points off the line, and the median of the passing runs as a dashed rule.
// Pure functions, so what the chart is given is tested without a canvas.

import type uPlot from 'uplot';
import { formatDuration, plural } from './format';
import type { TestOutcome } from './types';

export interface Trend {
  /** Oldest first, one per run the test ran in. */
  runIds: number[];
  /** Passing durations (ms); null where the run failed or skipped it. */
  passing: (number | null)[];
  /** Failed or errored durations; null elsewhere. */
  failing: (number | null)[];
  /** The median of the passing durations (0: none). */
  medianMs: number;
  /** Longest duration shown, for the y range. */
  maxMs: number;
}

/** From a TestDetail's history (newest first) and median. Skipped runs have no duration worth drawing. */
export function trendOf(history: readonly TestOutcome[], medianMs: number): Trend {
  const t: Trend = { runIds: [], passing: [], failing: [], medianMs, maxMs: medianMs };
  for (const o of [...history].reverse()) {
    if (o.status === 'skipped') continue;
    const failed = o.status === 'failed' || o.status === 'errored';
    t.runIds.push(o.run_id);
    t.passing.push(failed ? null : o.duration_ms);
    t.failing.push(failed ? o.duration_ms : null);
    t.maxMs = Math.max(t.maxMs, o.duration_ms);
  }
  return t;
}

/** x is the position in the list (runs are not evenly numbered); the axis names the run. */
export function trendData(t: Trend): uPlot.AlignedData {
  const xs = t.runIds.map((_, i) => i);
  const median = t.medianMs > 0 ? t.runIds.map(() => t.medianMs) : t.runIds.map(() => null);
  return [xs, t.passing, t.failing, median];
}

export interface TrendColours {
  line: string;
  fail: string;
  median: string;
  grid: string;
  text: string;
}

/** The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above v (at least 1): a y axis top worth a label. */
export function niceCeil(v: number): number {
  if (!(v > 1)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/** "#12" for an index that is a run's, "" between them. */
export function runLabel(t: Trend, x: number | null | undefined): string {
  if (x == null || !Number.isInteger(x) || x < 0 || x >= t.runIds.length) return '';
  return `#${t.runIds[x]}`;
}

/**
 * The chart's options. uPlot's own legend is off (its values read "—" until hovered); the
 * component draws a fixed key and, through onhover, a readout of the run under the cursor.
 */
export function trendOptions(
  t: Trend,
  width: number,
  height: number,
  c: TrendColours,
  onhover?: (index: number | null) => void,
): uPlot.Options {
  const axis = { stroke: c.text, grid: { stroke: c.grid, width: 1 }, ticks: { stroke: c.grid, width: 1 }, font: '11px sans-serif' };
  const dur = (_u: uPlot, v: number | null) => (v == null ? '—' : formatDuration(v));
  // A little room above the longest run, rounded so the top, middle and bottom each get a label.
  const top = niceCeil(t.maxMs * 1.15);
  return {
    width,
    height,
    legend: { show: false },
    hooks: onhover ? { setCursor: [(u: uPlot) => onhover(u.cursor.idx ?? null)] } : {},
    cursor: { drag: { x: false, y: false }, points: { size: 7 } },
    scales: {
      x: { time: false, range: () => [-0.5, Math.max(0.5, t.runIds.length - 0.5)] },
      y: { range: () => [0, top] },
    },
    axes: [
      {
        ...axis,
        // At most one label per run, thinned when runs are many.
        incrs: [1, 2, 5, 10],
        values: (_u, splits) => splits.map((x) => runLabel(t, x)),
      },
      { ...axis, size: 56, splits: () => [0, top / 2, top], values: (_u, splits) => splits.map((v) => formatDuration(v)) },
    ],
    series: [
      { label: 'run', value: (_u, x) => runLabel(t, x) || '—' },
      { label: 'passed', stroke: c.line, width: 1.5, spanGaps: true, points: { show: true, size: 5, fill: c.line }, value: dur },
      {
        label: 'failed',
        stroke: c.fail,
        paths: () => null,
        points: { show: true, size: 7, fill: c.fail, stroke: c.fail },
        value: dur,
      },
      { label: 'median', stroke: c.median, width: 1, dash: [4, 4], points: { show: false }, value: dur },
    ],
  };
}

/** The chart in words, for screen readers and the tooltip. */
export function trendSummary(t: Trend): string {
  const passing = t.passing.filter((v): v is number => v !== null);
  if (!t.runIds.length) return 'No durations to show.';
  const parts = [plural(t.runIds.length, 'run')];
  if (t.medianMs > 0) parts.push(`median ${formatDuration(t.medianMs)}`);
  if (passing.length) parts.push(`fastest ${formatDuration(Math.min(...passing))}`, `slowest ${formatDuration(Math.max(...passing))}`);
  const failed = t.failing.filter((v) => v !== null).length;
  if (failed) parts.push(`${failed} failed`);
  return `Duration over ${parts.join(', ')}.`;
}

/** What the readout says about the run at a position: "#12 · failed · 34ms". */
export function pointText(t: Trend, i: number | null): string {
  if (i === null || i < 0 || i >= t.runIds.length) return '';
  const failing = t.failing[i];
  const ms = failing ?? t.passing[i];
  return `#${t.runIds[i]} · ${failing !== null ? 'failed' : 'passed'} · ${ms === null ? '—' : formatDuration(ms)}`;
}
