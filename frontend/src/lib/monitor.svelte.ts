// The Monitor place's state: the period, the trends, DORA report and incidents of that period
// (loaded again, debounced, when a run finishes, a deploy ends, a check changes state or an
// incident changes), and the drill-down open under the charts.

import { toApiError, type Api } from './api';
import { debounce, DEFAULT_PERIOD, type Drill, type Period } from './monitor';
import type { DoraReport, IncidentInfo, Trends } from './types';

/** How long a burst of events waits before one reload. */
export const REFRESH_DEBOUNCE_MS = 500;

export class MonitorState {
  readonly api: Api;

  period = $state<Period>(DEFAULT_PERIOD);
  trends = $state.raw<Trends | null>(null);
  dora = $state.raw<DoraReport | null>(null);
  /** The incidents of the period and every open one, newest first. */
  incidents = $state.raw<IncidentInfo[]>([]);
  /** Why the trends or the DORA figures could not be loaded; "" when they could. */
  trendsError = $state('');
  doraError = $state('');
  incidentsError = $state('');
  /** The first load of the period has ended. */
  loaded = $state(false);
  /** The records behind the figure clicked last; null: none open. */
  drill = $state.raw<Drill | null>(null);
  /** Which figure the drill-down is of ("dora-frequency", "duration:3"), to mark it. */
  drillOf = $state('');

  #seq = 0;
  readonly #refresh = debounce(() => void this.load(), REFRESH_DEBOUNCE_MS);

  constructor(api: Api) {
    this.api = api;
  }

  /** Loads the period and follows the events that change it; returns the function that stops. */
  start(): () => void {
    const offs = [
      this.api.on('run.finished', () => this.#refresh.call()),
      this.api.on('deploy.updated', (d) => {
        if (d.status !== 'running') this.#refresh.call();
      }),
      this.api.on('check.updated', () => this.#refresh.call()),
      this.api.on('incident.updated', (i) => this.takeIncident(i)),
    ];
    void this.load();
    return () => {
      this.#refresh.cancel();
      for (const off of offs) off();
    };
  }

  /** Shows another period; the open drill-down belongs to the old one and closes. */
  setPeriod(p: Period): void {
    if (p === this.period) return;
    this.period = p;
    this.open(null);
    void this.load();
  }

  /** Loads the trends and the DORA report of the period; a newer load wins over an older one. */
  async load(): Promise<void> {
    const seq = ++this.#seq;
    const days = this.period;
    const [trends, dora, incidents] = await Promise.allSettled([this.api.Trends(days), this.api.Dora(days), this.api.Incidents(days)]);
    if (seq !== this.#seq) return;
    this.trends = trends.status === 'fulfilled' ? trends.value : null;
    this.trendsError = trends.status === 'rejected' ? toApiError(trends.reason).message : '';
    this.dora = dora.status === 'fulfilled' ? dora.value : null;
    this.doraError = dora.status === 'rejected' ? toApiError(dora.reason).message : '';
    this.incidents = incidents.status === 'fulfilled' ? incidents.value : [];
    this.incidentsError = incidents.status === 'rejected' ? toApiError(incidents.reason).message : '';
    this.loaded = true;
  }

  /** Puts an incident that changed in the list (first when it is new); the figures follow, debounced. */
  takeIncident(i: IncidentInfo): void {
    const at = this.incidents.findIndex((x) => x.id === i.id);
    this.incidents = at < 0 ? [i, ...this.incidents] : this.incidents.map((x) => (x.id === i.id ? i : x));
    this.#refresh.call();
  }

  /** Opens the drill-down of a figure, or closes it (null, or the figure's again). */
  open(drill: Drill | null, of = ''): void {
    if (drill === null || (of && of === this.drillOf)) {
      this.drill = null;
      this.drillOf = '';
      return;
    }
    this.drill = drill;
    this.drillOf = of;
  }
}
