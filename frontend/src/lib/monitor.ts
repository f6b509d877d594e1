// The Monitor place's pure logic: the periods, how DORA figures and bands read, what each
// chart is given, and which runs, deploys, tests or incidents a click drills down to.

import { formatDuration, plural } from './format';
import type { DoraDeploy, DoraIncident, DoraReport, FlakyOnDay, TrendRunInfo, Trends, UptimeBar } from './types';

/** The periods the dashboard offers, in days. */
export const PERIODS = [7, 30, 90] as const;
export type Period = (typeof PERIODS)[number];
export const DEFAULT_PERIOD: Period = 30;

// Figures for humans.

/** "2.3 / week"; "—" when there is no figure. */
export function formatPerWeek(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return '—';
  return `${Number.isInteger(n) ? n : n.toFixed(1)} / week`;
}

/** A time to wait for: "40 s", "12 min", "3 h 20 min", "2 d 4 h"; "—" when null. */
export function formatWait(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** A share from 0 to 1 as "25 %" ("99.5 %" between 99 and 100 %); "—" when null. */
export function formatShare(r: number | null): string {
  if (r === null || !Number.isFinite(r)) return '—';
  const pct = r * 100;
  const shown = pct > 99 && pct < 100 ? Math.floor(pct * 10) / 10 : Math.round(pct);
  return `${shown} %`;
}

// Bands: Four Keys' names, from best to worst.

export type Tone = 'elite' | 'high' | 'medium' | 'low' | 'none';

const BANDS: Record<string, { tone: Tone; label: string }> = {
  daily: { tone: 'elite', label: 'daily' },
  weekly: { tone: 'high', label: 'weekly' },
  monthly: { tone: 'medium', label: 'monthly' },
  yearly: { tone: 'low', label: 'yearly' },
  one_day: { tone: 'elite', label: 'within a day' },
  one_week: { tone: 'high', label: 'within a week' },
  one_month: { tone: 'medium', label: 'within a month' },
  six_months: { tone: 'low', label: 'within six months' },
  one_year: { tone: 'low', label: 'within a year' },
  '0-15%': { tone: 'elite', label: '0–15 %' },
  '16-30%': { tone: 'high', label: '16–30 %' },
  '31-45%': { tone: 'medium', label: '31–45 %' },
  '46-60%': { tone: 'low', label: '46–60 %' },
  '61-100%': { tone: 'low', label: '61–100 %' },
};

/** How good a band is, for its colour. */
export function bandTone(band: string): Tone {
  return BANDS[band]?.tone ?? 'none';
}

/** The band in words; "no data" for none. */
export function bandLabel(band: string): string {
  return BANDS[band]?.label ?? 'no data';
}

// The DORA tiles.

export type TileId = 'frequency' | 'lead-time' | 'change-failure' | 'restore';

export interface DoraTile {
  id: TileId;
  title: string;
  /** The figure for humans. */
  figure: string;
  /** The raw figure for tests and scripts: "" when there is none. */
  value: string;
  band: string;
  tone: Tone;
  bandLabel: string;
  /** What the figure counts: "12 deploys on 9 days". */
  count: string;
  definition: string;
}

const raw = (v: number | null) => (v === null ? '' : String(v));

/** The four tiles in Four Keys' order. */
export function doraTiles(r: DoraReport): DoraTile[] {
  const tile = (id: TileId, title: string, figure: string, value: string, band: string, count: string, definition: string): DoraTile => ({
    id,
    title,
    figure,
    value,
    band,
    tone: bandTone(band),
    bandLabel: bandLabel(band),
    count,
    definition,
  });
  const { frequency: f, lead_time: l, change_failure: c, restore: t } = r;
  return [
    tile('frequency', 'Deployment frequency', formatPerWeek(f.per_week), String(f.per_week), f.band,
      `${plural(f.deploys, 'deploy')} on ${plural(f.deploy_days, 'day')}`, f.definition),
    tile('lead-time', 'Lead time for changes', formatWait(l.median_ms), raw(l.median_ms), l.band, `median of ${plural(l.commits, 'commit')}`, l.definition),
    tile('change-failure', 'Change failure rate', formatShare(c.rate), raw(c.rate), c.band, `${c.failed} of ${plural(c.deploys, 'deploy')} failed`, c.definition),
    tile('restore', 'Time to restore', formatWait(t.median_ms), raw(t.median_ms), t.band,
      `median of ${plural(t.incidents, 'incident')}${t.open ? ` · ${t.open} still open` : ''}`, t.definition),
  ];
}

// Drill-downs: the records behind a figure.

/** A deploy in a drill-down list. */
export interface DrillDeploy {
  id: number;
  target: string;
  kind: string;
  version: string;
  status: string;
  when: string;
  /** What the figure takes from it: "3 commits, lead 2 h", "failed: health gate". */
  detail: string;
  failed: boolean;
}

export type Drill =
  | { kind: 'runs'; title: string; runs: TrendRunInfo[] }
  | { kind: 'deploys'; title: string; deploys: DrillDeploy[] }
  | { kind: 'incidents'; title: string; incidents: DoraIncident[] }
  | { kind: 'tests'; title: string; tests: FlakyOnDay[] };

function doraDeploy(d: DoraDeploy, detail: string): DrillDeploy {
  return { id: d.id, target: d.target, kind: d.kind, version: d.version, status: d.status, when: d.finished, detail, failed: d.failed };
}

/** The deploys or incidents behind a DORA tile. */
export function tileDrill(r: DoraReport, id: TileId): Drill {
  const period = `the last ${r.days} days`;
  switch (id) {
    case 'frequency':
      return {
        kind: 'deploys',
        title: `Production deploys of ${period}`,
        deploys: r.deploys.filter((d) => d.status === 'succeeded').map((d) => doraDeploy(d, plural(d.commits, 'commit'))),
      };
    case 'lead-time':
      return {
        kind: 'deploys',
        title: `Lead time of each production deploy of ${period}`,
        deploys: r.deploys.map((d) => doraDeploy(d, `${plural(d.commits, 'commit')}, median lead ${formatWait(d.lead_median_ms)}`)),
      };
    case 'change-failure':
      return {
        kind: 'deploys',
        title: `Production deploys of ${period}, failed changes first`,
        deploys: [...r.deploys.filter((d) => d.failed), ...r.deploys.filter((d) => !d.failed)].map((d) =>
          doraDeploy(d, d.failed ? `failed: ${d.failed_by.join(', ')}` : 'no failure'),
        ),
      };
    case 'restore':
      return { kind: 'incidents', title: `Incidents of ${period} and their time to restore`, incidents: r.incidents };
  }
}

/** The charts that drill down by day or week. */
export type ChartId = 'duration' | 'pass-rate' | 'flaky' | 'deploys';

/** The runs or flaky tests behind a day of a chart. */
export function dayDrill(t: Trends, chart: Exclude<ChartId, 'deploys'>, i: number): Drill | null {
  const d = t.daily[i];
  if (!d) return null;
  if (chart === 'flaky') return { kind: 'tests', title: `Flaky tests seen on ${d.day}`, tests: d.flaky };
  const what = chart === 'duration' ? 'timed' : 'counted';
  return { kind: 'runs', title: `Runs ${what} on ${d.day}`, runs: d.runs };
}

/** The deploys behind a week's bars, of one target or of all ("" ). */
export function weekDrill(t: Trends, i: number, target: string): Drill | null {
  const w = t.weeks[i];
  if (!w) return null;
  const deploys = w.targets
    .filter((tw) => !target || tw.target === target)
    .flatMap((tw) => tw.deploys)
    .sort((a, b) => a.finished_at.localeCompare(b.finished_at))
    .map((d) => ({ ...d, when: d.finished_at, detail: d.kind, failed: d.status === 'failed' }));
  return { kind: 'deploys', title: `Deploys${target ? ` to ${target}` : ''} in ${w.week} (from ${w.start})`, deploys };
}

/** How many records a drill-down lists. */
export function drillSize(d: Drill): number {
  switch (d.kind) {
    case 'runs':
      return d.runs.length;
    case 'deploys':
      return d.deploys.length;
    case 'incidents':
      return d.incidents.length;
    case 'tests':
      return d.tests.length;
  }
}

// What the charts are given: x is the position of the day or week; y null where there is no figure.

export type Series = (number | null)[];

export interface ChartData {
  /** The x labels: "03-19" per day, "W12" per week. */
  labels: string[];
  /** One array per series, as long as labels. */
  series: Series[];
}

const dayLabel = (day: string) => day.slice(5);

/** Build and test time per day: the medians and 90th percentiles. */
export function durationChart(t: Trends): ChartData {
  const d = t.daily;
  return {
    labels: d.map((x) => dayLabel(x.day)),
    series: [d.map((x) => x.build.median_ms), d.map((x) => x.build.p90_ms), d.map((x) => x.test.median_ms), d.map((x) => x.test.p90_ms)],
  };
}

/** The pass rate per day, in percent. */
export function passRateChart(t: Trends): ChartData {
  return { labels: t.daily.map((x) => dayLabel(x.day)), series: [t.daily.map((x) => (x.pass_rate === null ? null : x.pass_rate * 100))] };
}

/** The flaky tests seen per day. */
export function flakyChart(t: Trends): ChartData {
  return { labels: t.daily.map((x) => dayLabel(x.day)), series: [t.daily.map((x) => x.flaky.length)] };
}

/**
 * Deploys per week, of one target or of all (""): the series are the total (drawn first, in
 * the failure colour) and the succeeded (drawn over it), which reads as stacked bars.
 */
export function deployChart(t: Trends, target: string): ChartData {
  const counts = t.weeks.map((w) =>
    w.targets.filter((tw) => !target || tw.target === target).reduce((a, tw) => ({ ok: a.ok + tw.succeeded, failed: a.failed + tw.failed }), { ok: 0, failed: 0 }),
  );
  return { labels: t.weeks.map((w) => w.week.slice(5)), series: [counts.map((c) => c.ok + c.failed), counts.map((c) => c.ok)] };
}

/** The largest figure of the series, for the y range. */
export function chartMax(c: ChartData): number {
  return Math.max(0, ...c.series.flat().filter((v): v is number => v !== null));
}

/** Whether a chart has anything to draw. */
export function chartEmpty(c: ChartData): boolean {
  return c.series.every((s) => s.every((v) => v === null || v === 0));
}

/** What the readout says about the day under the cursor of each chart. */
export function readout(t: Trends, chart: ChartId, i: number | null, target = ''): string {
  if (i === null || i < 0) return '';
  if (chart === 'deploys') {
    const w = t.weeks[i];
    if (!w) return '';
    const [total, ok] = deployChart(t, target).series.map((s) => s[i] ?? 0);
    return `${w.week}: ${ok} succeeded, ${total - ok} failed`;
  }
  const d = t.daily[i];
  if (!d) return '';
  switch (chart) {
    case 'duration': {
      const f = (v: number | null) => (v === null ? '—' : formatDuration(v));
      return `${d.day}: build ${f(d.build.median_ms)} (p90 ${f(d.build.p90_ms)}), test ${f(d.test.median_ms)} (p90 ${f(d.test.p90_ms)})`;
    }
    case 'pass-rate':
      return d.runs.length ? `${d.day}: ${formatShare(d.pass_rate)} (${d.passed} of ${plural(d.runs.length, 'run')})` : `${d.day}: no runs`;
    case 'flaky':
      return `${d.day}: ${plural(d.flaky.length, 'flaky test')}`;
  }
}

// Uptime bars.

export type UptimeTone = 'good' | 'warn' | 'bad' | 'none';

/** A day's colour: good from 99.9 %, warn from 99 %, else bad; none without results. */
export function uptimeTone(u: number | null): UptimeTone {
  if (u === null) return 'none';
  if (u >= 0.999) return 'good';
  return u >= 0.99 ? 'warn' : 'bad';
}

/** The tooltip of a day's bar: "2026-03-19: 99.5 % up (199 of 200 results)". */
export function uptimeTitle(b: UptimeBar): string {
  if (b.uptime === null) return `${b.day}: no results`;
  return `${b.day}: ${formatShare(b.uptime)} up (${b.ok} of ${plural(b.total, 'result')})`;
}

// Refreshing on events.

/** Calls fn once, ms after the last of a burst of calls; cancel drops a pending call. */
export function debounce(fn: () => void, ms: number): { call: () => void; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    call() {
      clearTimeout(timer);
      timer = setTimeout(fn, ms);
    },
    cancel() {
      clearTimeout(timer);
    },
  };
}
