// The Operate place's state: the targets (health, their hosts' too, kept fresh by check.updated, what runs by
// deploy.updated), each target's lock, the restart or stop it runs or waits to confirm and
// how the last one went, and the log streams open (lines from operate.log, kept alive while
// the place is open and closed when it closes).

import { toApiError, type Api } from './api';
import { appendLog, emptyLog, withCheck, type LogView } from './operate';
import type { LockInfo, LogBatch, OperateResult, OperateTarget } from './types';

export type OperateAction = 'restart' | 'stop';

function without<T>(map: Record<string, T>, key: string): Record<string, T> {
  const { [key]: _drop, ...rest } = map;
  return rest;
}

/** A target's log stream: the view, and the stream's id once OpenLogs answered. */
export interface TargetLog {
  view: LogView;
  source: string;
  keepMs: number;
  opening: boolean;
  error: string;
}

export class OperateState {
  readonly api: Api;
  readonly #report: (err: unknown) => void;

  targets = $state.raw<OperateTarget[]>([]);
  loaded = $state(false);
  loadError = $state('');
  /** Per target, its lock; a string says why it could not be read. */
  locks = $state.raw<Record<string, LockInfo | string>>({});
  /** Per target, a restart or stop waiting for Go's answer. */
  busy = $state.raw<Record<string, OperateAction>>({});
  /** Per target, the action waiting for the person's yes (production). */
  pending = $state.raw<Record<string, OperateAction>>({});
  /** Per target, how its last restart or stop went. */
  results = $state.raw<Record<string, OperateResult>>({});
  /** Per target, why Go refused the last press. */
  errors = $state.raw<Record<string, string>>({});
  /** Per target, its log stream. */
  logs = $state.raw<Record<string, TargetLog>>({});

  #seq = 0;
  /** Batches of streams not known yet, while a stream is being opened. */
  #early: LogBatch[] = [];
  #keep: ReturnType<typeof setInterval> | null = null;

  constructor(api: Api, report: (err: unknown) => void) {
    this.api = api;
    this.#report = report;
  }

  /** Subscribes to the events of the place and loads it; returns the function that stops (closing the streams). */
  start(keepEveryMs = 15_000): () => void {
    const offs = [
      this.api.on('check.updated', (c) => {
        this.targets = this.targets.map((t) => withCheck(t, c));
      }),
      this.api.on('deploy.updated', (d) => {
        if (d.status !== 'running') {
          void this.load();
        } else {
          void this.loadLock(d.target);
        }
      }),
      this.api.on('operate.log', (b) => {
        let known = false;
        for (const [name, log] of Object.entries(this.logs)) {
          if (log.view.stream !== b.stream) continue;
          known = true;
          this.logs = { ...this.logs, [name]: { ...log, view: appendLog(log.view, b) } };
        }
        // Events come on their own connection: a stream's first batches (or its end) can
        // arrive before OpenLogs has said its id. Keep them until it has.
        if (!known && Object.values(this.logs).some((l) => l.opening)) this.#early.push(b);
      }),
    ];
    this.#keep = setInterval(() => this.#keepAlive(), keepEveryMs);
    void this.load();
    return () => {
      offs.forEach((off) => off());
      if (this.#keep) clearInterval(this.#keep);
      for (const name of Object.keys(this.logs)) void this.closeLogs(name);
    };
  }

  async load(): Promise<void> {
    const seq = ++this.#seq;
    try {
      const list = (await this.api.Operate()) ?? [];
      if (seq !== this.#seq) return;
      this.targets = list;
      this.loadError = '';
      await Promise.all(list.map((t) => this.loadLock(t.name)));
    } catch (err) {
      if (seq === this.#seq) this.loadError = toApiError(err).message;
    } finally {
      if (seq === this.#seq) this.loaded = true;
    }
  }

  async loadLock(target: string): Promise<void> {
    try {
      const lock = await this.api.OperateLock(target);
      this.locks = { ...this.locks, [target]: lock };
    } catch (err) {
      this.locks = { ...this.locks, [target]: toApiError(err).message };
    }
  }

  target(name: string): OperateTarget | undefined {
    return this.targets.find((t) => t.name === name);
  }

  /** A button was pressed: production asks for a yes first. */
  request(target: string, action: OperateAction): Promise<OperateResult | null> {
    this.errors = without(this.errors, target);
    if (this.target(target)?.production) {
      this.pending = { ...this.pending, [target]: action };
      return Promise.resolve(null);
    }
    return this.#run(target, action, false);
  }

  confirm(target: string): Promise<OperateResult | null> {
    const action = this.pending[target];
    if (!action) return Promise.resolve(null);
    this.pending = without(this.pending, target);
    return this.#run(target, action, true);
  }

  cancel(target: string): void {
    this.pending = without(this.pending, target);
  }

  dismissResult(target: string): void {
    this.results = without(this.results, target);
  }

  async #run(target: string, action: OperateAction, confirm: boolean): Promise<OperateResult | null> {
    if (this.busy[target]) return null;
    this.busy = { ...this.busy, [target]: action };
    try {
      const res = action === 'restart' ? await this.api.RestartTarget(target, confirm) : await this.api.StopTarget(target, confirm);
      this.results = { ...this.results, [target]: res };
      return res;
    } catch (err) {
      this.errors = { ...this.errors, [target]: toApiError(err).message };
      return null;
    } finally {
      this.busy = without(this.busy, target);
      void this.loadLock(target);
    }
  }

  /** Opens (or opens again) a target's log stream. */
  async openLogs(target: string): Promise<void> {
    const old = this.logs[target];
    if (old?.opening) return;
    if (old && !old.view.ended) await this.closeLogs(target);
    this.logs = { ...this.logs, [target]: { view: emptyLog(''), source: '', keepMs: 0, opening: true, error: '' } };
    const opening = this.logs[target];
    try {
      const info = await this.api.OpenLogs(target);
      const early = this.#early.filter((b) => b.stream === info.id);
      const othersOpening = Object.values(this.logs).some((l) => l.opening && l !== opening);
      this.#early = othersOpening ? this.#early.filter((b) => b.stream !== info.id) : [];
      if (this.logs[target] !== opening) {
        // Closed (or the view left) while it was being opened: end it on the server too.
        if (!early.some((b) => b.ended)) await this.api.CloseLogs(info.id).catch((err: unknown) => this.#report(err));
        return;
      }
      const view = early.reduce((v, b) => appendLog(v, b), emptyLog(info.id));
      this.logs = { ...this.logs, [target]: { view, source: info.source, keepMs: info.keep_ms, opening: false, error: '' } };
    } catch (err) {
      this.logs = { ...this.logs, [target]: { view: emptyLog(''), source: '', keepMs: 0, opening: false, error: toApiError(err).message } };
    }
  }

  /** Stops following a target's logs and forgets them. */
  async closeLogs(target: string): Promise<void> {
    const log = this.logs[target];
    this.logs = without(this.logs, target);
    if (!log?.view.stream || log.view.ended) return;
    try {
      await this.api.CloseLogs(log.view.stream);
    } catch (err) {
      this.#report(err);
    }
  }

  /** Tells Go the open streams are still watched; one that is over is marked so. */
  async #keepAlive(): Promise<void> {
    for (const [name, log] of Object.entries(this.logs)) {
      if (!log.view.stream || log.view.ended) continue;
      try {
        await this.api.KeepLogs(log.view.stream);
      } catch (err) {
        const cur = this.logs[name];
        if (cur?.view.stream !== log.view.stream || cur.view.ended) continue;
        const e = toApiError(err);
        this.logs = { ...this.logs, [name]: { ...cur, view: { ...cur.view, ended: true, failed: true, reason: e.message } } };
      }
    }
  }
}
