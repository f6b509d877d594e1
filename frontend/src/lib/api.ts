// The only module that talks to Go. In the desktop window the Wails bindings are used
// (window.go.main.App); in a browser the same methods are called over HTTP and events arrive
// as server-sent events from /api/events. See docs/api.md.

import type {
  BoardInfo,
  CardDetail,
  CardInfo,
  CardPatch,
  CIEngine,
  CIExport,
  CIReportFormat,
  ChecklistItemInfo,
  ColumnInfo,
  ConfigPreview,
  DeployInfo,
  DeploySync,
  DemoEditName,
  DeployOptions,
  DoraReport,
  EventMap,
  LabelInfo,
  LinkInfo,
  NewCard,
  NewColumn,
  FlakyInfo,
  IncidentInfo,
  LockInfo,
  LogPage,
  LogStreamInfo,
  OperateResult,
  OperateTarget,
  ProjectInfo,
  ProjectsInfo,
  ReleaseInfo,
  ReleaseOptions,
  ReleasePreview,
  RunInfo,
  StatusInfo,
  RunInsights,
  TestDetail,
  TestQuery,
  TargetInfo,
  TestResultInfo,
  Topic,
  Trends,
  WatchState,
} from './types';

type BoundMethod = (...args: unknown[]) => Promise<unknown>;

interface WailsRuntime {
  EventsOn(topic: string, callback: (...data: unknown[]) => void): () => void;
  BrowserOpenURL(url: string): void;
}

declare global {
  interface Window {
    go?: { main?: { App?: Record<string, BoundMethod | undefined> } };
    runtime?: WailsRuntime;
  }
}

/** The code of every method but the Projects ones while no project is open (the start screen). */
export const NO_PROJECT = 'no_project';

/** An error from the API: `code` is one of not_found, bad_request, conflict, no_project, internal, … */
export class ApiError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
  }
}

function isErrorBody(value: unknown): value is { code?: unknown; message: string } {
  return typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string';
}

/** Turns whatever a call rejected with (a {code,message} object, a string, an Error) into an ApiError. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (typeof err === 'string') {
    if (err.trimStart().startsWith('{')) {
      try {
        return toApiError(JSON.parse(err));
      } catch {
        // Not JSON after all: the string is the message.
      }
    }
    return new ApiError('unknown', err);
  }
  if (isErrorBody(err)) {
    return new ApiError(typeof err.code === 'string' && err.code ? err.code : 'unknown', err.message);
  }
  return new ApiError('unknown', String(err));
}

/** State of the event stream. The desktop bindings are always open. */
export type Connection = 'connecting' | 'open' | 'reconnecting';

/** How method calls and events travel; one implementation per face. */
export interface Transport {
  call(method: string, args: unknown[]): Promise<unknown>;
  on(topic: string, callback: (payload: unknown) => void): () => void;
  onConnection(callback: (state: Connection) => void): () => void;
  openURL(url: string): void;
}

export function wailsTransport(app: Record<string, BoundMethod | undefined>, runtime: WailsRuntime): Transport {
  return {
    async call(method, args) {
      const fn = app[method];
      if (!fn) throw new ApiError('not_found', `The desktop app has no method ${method}.`);
      try {
        return await fn(...args);
      } catch (err) {
        throw toApiError(err);
      }
    },
    on(topic, callback) {
      return runtime.EventsOn(topic, (...data) => callback(data[0]));
    },
    onConnection(callback) {
      callback('open');
      return () => {};
    },
    openURL(url) {
      runtime.BrowserOpenURL(url);
    },
  };
}

export interface HttpOptions {
  fetch: typeof fetch;
  EventSource: typeof EventSource;
  openWindow: (url: string) => void;
  /** Delay before re-creating an event stream the browser gave up on, by attempt (1, 2, …). */
  retryDelay?: (attempt: number) => number;
}

const defaultRetryDelay = (attempt: number) => Math.min(1000 * 2 ** (attempt - 1), 10_000);

export function httpTransport(opts: HttpOptions): Transport {
  const retryDelay = opts.retryDelay ?? defaultRetryDelay;
  const subscribers = new Map<string, Set<(payload: unknown) => void>>();
  const watchers = new Set<(state: Connection) => void>();
  let source: EventSource | null = null;
  let state: Connection = 'connecting';
  let attempts = 0;

  function setState(next: Connection) {
    if (next === state) return;
    state = next;
    for (const w of watchers) w(next);
  }

  function listen(es: EventSource, topic: string) {
    es.addEventListener(topic, (ev) => {
      let payload: unknown;
      try {
        payload = JSON.parse((ev as MessageEvent<string>).data);
      } catch {
        return;
      }
      for (const cb of subscribers.get(topic) ?? []) cb(payload);
    });
  }

  function connect() {
    const es = new opts.EventSource('/api/events');
    source = es;
    es.onopen = () => {
      attempts = 0;
      setState('open');
    };
    es.onerror = () => {
      setState('reconnecting');
      // The browser retries by itself unless the response was an error; then we start over.
      if (es.readyState === opts.EventSource.CLOSED) {
        es.close();
        attempts++;
        setTimeout(connect, retryDelay(attempts));
      }
    };
    for (const topic of subscribers.keys()) listen(es, topic);
  }

  function ensureSource() {
    if (!source) connect();
  }

  return {
    async call(method, args) {
      let res: Response;
      try {
        res = await opts.fetch('/api/' + method, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(args),
          credentials: 'same-origin',
        });
      } catch (err) {
        throw new ApiError('network', `Cannot reach the Eightfold server: ${err instanceof Error ? err.message : String(err)}`);
      }
      const text = await res.text();
      let body: unknown = null;
      if (text) {
        try {
          body = JSON.parse(text);
        } catch {
          if (res.ok) throw new ApiError('bad_response', `${method} returned something that is not JSON.`);
        }
      }
      if (!res.ok) {
        if (isErrorBody(body)) throw toApiError(body);
        throw new ApiError(`http_${res.status}`, text.trim() || `${method} failed: ${res.status} ${res.statusText}`);
      }
      return body;
    },
    on(topic, callback) {
      let set = subscribers.get(topic);
      if (!set) {
        set = new Set();
        subscribers.set(topic, set);
        if (source) listen(source, topic);
      }
      set.add(callback);
      ensureSource();
      return () => {
        set.delete(callback);
      };
    },
    onConnection(callback) {
      watchers.add(callback);
      ensureSource();
      callback(state);
      return () => {
        watchers.delete(callback);
      };
    },
    openURL(url) {
      opts.openWindow(url);
    },
  };
}

/** Typed wrappers for every method and event of docs/api.md. */
export class Api {
  readonly #t: Transport;

  constructor(transport: Transport) {
    this.#t = transport;
  }

  Project(): Promise<ProjectInfo> {
    return this.#t.call('Project', []) as Promise<ProjectInfo>;
  }

  // Projects and onboarding (docs/api.md, "Projects and onboarding").

  /** The open projects (which is current) and the recent ones, newest first. */
  Projects(): Promise<ProjectsInfo> {
    return this.#t.call('Projects', []) as Promise<ProjectsInfo>;
  }

  /** Opens an absolute path (`~` expanded), or switches to it when open; either way it becomes current. */
  OpenProject(path: string): Promise<ProjectInfo> {
    return this.#t.call('OpenProject', [path]) as Promise<ProjectInfo>;
  }

  /** Closes a project; when it was current the most recently opened other one becomes current, or none. */
  CloseProject(path: string): Promise<ProjectsInfo> {
    return this.#t.call('CloseProject', [path]) as Promise<ProjectsInfo>;
  }

  /** The commented eightfold.yaml WriteConfig would write into the current project. */
  ConfigPreview(): Promise<ConfigPreview> {
    return this.#t.call('ConfigPreview', []) as Promise<ConfigPreview>;
  }

  /** Writes that eightfold.yaml (not committed); `conflict` when there is one. */
  WriteConfig(): Promise<ProjectInfo> {
    return this.#t.call('WriteConfig', []) as Promise<ProjectInfo>;
  }

  /** `git init` in the current project (branch main); `conflict` when it is a repository already. */
  InitGit(): Promise<ProjectInfo> {
    return this.#t.call('InitGit', []) as Promise<ProjectInfo>;
  }

  StartRun(): Promise<RunInfo> {
    return this.#t.call('StartRun', []) as Promise<RunInfo>;
  }

  async CancelRun(id: number): Promise<void> {
    await this.#t.call('CancelRun', [id]);
  }

  /** Newest first; limit 0 means the server's default (50). */
  Runs(limit: number): Promise<RunInfo[]> {
    return this.#t.call('Runs', [limit]) as Promise<RunInfo[]>;
  }

  GetRun(id: number): Promise<RunInfo> {
    return this.#t.call('GetRun', [id]) as Promise<RunInfo>;
  }

  /** Chunks after `afterSeq` (0: from the start), up to `maxBytes` (0: 1 MiB). */
  StepLog(stepId: number, afterSeq: number, maxBytes: number): Promise<LogPage> {
    return this.#t.call('StepLog', [stepId, afterSeq, maxBytes]) as Promise<LogPage>;
  }

  WatchState(): Promise<WatchState> {
    return this.#t.call('WatchState', []) as Promise<WatchState>;
  }

  /** Turns starting runs on file changes on or off; `conflict` when the project is not watched. */
  async SetAutoRun(on: boolean): Promise<void> {
    await this.#t.call('SetAutoRun', [on]);
  }

  /** A run's test results, by suite and name (slowest first with `slow`); `{}` lists them all. */
  RunTests(runId: number, query: TestQuery = {}): Promise<TestResultInfo[]> {
    return this.#t.call('RunTests', [runId, query]) as Promise<TestResultInfo[]>;
  }

  /** One test result with its output and the test's history (newest first, at most 30). */
  TestDetail(resultId: number): Promise<TestDetail> {
    return this.#t.call('TestDetail', [resultId]) as Promise<TestDetail>;
  }

  /** A run's tests next to the last green and red runs before it. */
  RunInsights(runId: number): Promise<RunInsights> {
    return this.#t.call('RunInsights', [runId]) as Promise<RunInsights>;
  }

  /** The flaky tests of the newest `window` runs (0: 50), newest first. */
  FlakyTests(window: number): Promise<FlakyInfo[]> {
    return this.#t.call('FlakyTests', [window]) as Promise<FlakyInfo[]>;
  }

  // The plan board (docs/api.md, "The plan board").

  Board(): Promise<BoardInfo> {
    return this.#t.call('Board', []) as Promise<BoardInfo>;
  }

  /** The new card, at the end of its column (the first backlog column without column_id). */
  AddCard(card: NewCard): Promise<CardInfo> {
    return this.#t.call('AddCard', [card]) as Promise<CardInfo>;
  }

  UpdateCard(id: number, patch: CardPatch): Promise<CardInfo> {
    return this.#t.call('UpdateCard', [id, patch]) as Promise<CardInfo>;
  }

  /** Moves a card between `beforeCardId` (the card just above it) and `afterCardId` (just below); 0: none. */
  MoveCard(id: number, columnId: number, beforeCardId: number, afterCardId: number): Promise<CardInfo> {
    return this.#t.call('MoveCard', [id, columnId, beforeCardId, afterCardId]) as Promise<CardInfo>;
  }

  /** Undoes the newest move by hand not yet undone; `conflict` when there is none or the card moved since. */
  UndoMove(): Promise<CardInfo> {
    return this.#t.call('UndoMove', []) as Promise<CardInfo>;
  }

  CardDetail(id: number): Promise<CardDetail> {
    return this.#t.call('CardDetail', [id]) as Promise<CardDetail>;
  }

  async SetBoardKey(key: string): Promise<void> {
    await this.#t.call('SetBoardKey', [key]);
  }

  AddColumn(column: NewColumn): Promise<ColumnInfo> {
    return this.#t.call('AddColumn', [column]) as Promise<ColumnInfo>;
  }

  RenameColumn(id: number, name: string): Promise<ColumnInfo> {
    return this.#t.call('RenameColumn', [id, name]) as Promise<ColumnInfo>;
  }

  /** `beforeColumnId`: the column just left of its new place, `afterColumnId` just right; 0: none. */
  MoveColumn(id: number, beforeColumnId: number, afterColumnId: number): Promise<ColumnInfo> {
    return this.#t.call('MoveColumn', [id, beforeColumnId, afterColumnId]) as Promise<ColumnInfo>;
  }

  /** Removes a column; its cards go to the end of `intoColumnId` (0 when it is empty). */
  async RemoveColumn(id: number, intoColumnId: number): Promise<void> {
    await this.#t.call('RemoveColumn', [id, intoColumnId]);
  }

  /** 0 (none) to 999. */
  SetWIPLimit(id: number, limit: number): Promise<ColumnInfo> {
    return this.#t.call('SetWIPLimit', [id, limit]) as Promise<ColumnInfo>;
  }

  /** `color`: #rrggbb, or "" for the next colour of a palette. */
  AddLabel(name: string, color: string): Promise<LabelInfo> {
    return this.#t.call('AddLabel', [name, color]) as Promise<LabelInfo>;
  }

  SetCardLabels(cardId: number, labelIds: number[]): Promise<CardInfo> {
    return this.#t.call('SetCardLabels', [cardId, labelIds]) as Promise<CardInfo>;
  }

  AddChecklistItem(cardId: number, text: string): Promise<ChecklistItemInfo> {
    return this.#t.call('AddChecklistItem', [cardId, text]) as Promise<ChecklistItemInfo>;
  }

  ToggleChecklistItem(itemId: number): Promise<ChecklistItemInfo> {
    return this.#t.call('ToggleChecklistItem', [itemId]) as Promise<ChecklistItemInfo>;
  }

  MoveChecklistItem(itemId: number, beforeItemId: number, afterItemId: number): Promise<ChecklistItemInfo> {
    return this.#t.call('MoveChecklistItem', [itemId, beforeItemId, afterItemId]) as Promise<ChecklistItemInfo>;
  }

  async RemoveChecklistItem(itemId: number): Promise<void> {
    await this.#t.call('RemoveChecklistItem', [itemId]);
  }

  /** Links a commit (a full or short SHA, or any revision git understands) to a card as closing it. */
  LinkCommit(cardId: number, sha: string): Promise<LinkInfo> {
    return this.#t.call('LinkCommit', [cardId, sha]) as Promise<LinkInfo>;
  }

  // Releases (docs/api.md, "Releases").

  /** What Release would do now; `bump`: "" (from the commits), "major", "minor", "patch" or a version like "2.0.0". */
  ReleasePreview(bump: string): Promise<ReleasePreview> {
    return this.#t.call('ReleasePreview', [bump]) as Promise<ReleasePreview>;
  }

  /** Tags HEAD as the next version (not with `dry_run`); `conflict`, with the reasons, when it is refused. */
  Release(opts: ReleaseOptions): Promise<ReleaseInfo> {
    return this.#t.call('Release', [opts]) as Promise<ReleaseInfo>;
  }

  /** Newest first. */
  Releases(): Promise<ReleaseInfo[]> {
    return this.#t.call('Releases', []) as Promise<ReleaseInfo[]>;
  }

  // Deploys (docs/api.md, "Deploys").

  /** The targets of eightfold.yaml in its order, with what each runs and its newest deploy. */
  Targets(): Promise<TargetInfo[]> {
    return this.#t.call('Targets', []) as Promise<TargetInfo[]>;
  }

  /** Starts a deploy and returns it at once (status running); the rest arrives as deploy.updated. `conflict` when refused. */
  StartDeploy(opts: DeployOptions): Promise<DeployInfo> {
    return this.#t.call('StartDeploy', [opts]) as Promise<DeployInfo>;
  }

  /** Deploys to `to` the release that `from` runs: the same artifacts. */
  StartPromote(from: string, to: string, confirm: boolean, forceUnlock = false): Promise<DeployInfo> {
    return this.#t.call('StartPromote', [from, to, confirm, forceUnlock]) as Promise<DeployInfo>;
  }

  /** Switches a target back to its previous healthy release. */
  StartRollback(target: string, confirm: boolean, forceUnlock = false): Promise<DeployInfo> {
    return this.#t.call('StartRollback', [target, confirm, forceUnlock]) as Promise<DeployInfo>;
  }

  /** Newest first: of `target` only unless it is ""; limit 0 means 50. */
  Deploys(target: string, limit: number): Promise<DeployInfo[]> {
    return this.#t.call('Deploys', [target, limit]) as Promise<DeployInfo[]>;
  }

  /** One deploy with its steps and its log. */
  GetDeploy(id: number): Promise<DeployInfo> {
    return this.#t.call('GetDeploy', [id]) as Promise<DeployInfo>;
  }

  /** Trusts the host key of a target's server when it has exactly this fingerprint ("SHA256:…"). */
  async TrustHostKey(target: string, fingerprint: string): Promise<void> {
    await this.#t.call('TrustHostKey', [target, fingerprint]);
  }

  /**
   * Records the deploys and rollbacks made elsewhere (CI jobs, colleagues) that the targets' audit logs tell and the
   * history lacks: of target, or of every target when it is "". One result per target.
   */
  SyncDeploys(target: string): Promise<DeploySync[]> {
    return this.#t.call('SyncDeploys', [target]) as Promise<DeploySync[]>;
  }

  // CI export (docs/api.md, "CI export").

  /** The pipeline for a CI engine as Export would write it, and its status against the file there; writes nothing. */
  ExportPreview(engine: CIEngine): Promise<CIExport> {
    return this.#t.call('ExportPreview', [engine]) as Promise<CIExport>;
  }

  /**
   * Writes the pipeline for a CI engine; a hand-edited file is refused (`conflict`) unless `force`, and a forced
   * write only when the file there is still the one previewed (`existing`: CIExport.existing of the preview).
   */
  Export(engine: CIEngine, force: boolean, existing: string): Promise<CIExport> {
    return this.#t.call('Export', [engine, force, existing]) as Promise<CIExport>;
  }

  /**
   * Records a CI run from the test reports a CI job wrote, as `eightfold import` does (paths absolute, `~/…` or
   * relative to the project; runName and commit "" for the defaults); the same reports again are a `conflict`.
   */
  ImportCIReports(format: CIReportFormat, paths: string[], runName: string, commit: string): Promise<RunInfo> {
    return this.#t.call('ImportCIReports', [format, paths, runName, commit]) as Promise<RunInfo>;
  }

  // Monitor (docs/api.md, "Monitor").

  /** The dashboard's trends over the last `days` UTC days (7, 30 or 90; else `bad_request`). */
  Trends(days: number): Promise<Trends> {
    return this.#t.call('Trends', [days]) as Promise<Trends>;
  }

  /** The four DORA keys over the last `days` days, with the deploys and incidents behind them. */
  Dora(days: number): Promise<DoraReport> {
    return this.#t.call('Dora', [days]) as Promise<DoraReport>;
  }

  /** The whole loop on one screen, with the loop ring's eight stages (what `eightfold status` prints). */
  Status(): Promise<StatusInfo> {
    return this.#t.call('Status', []) as Promise<StatusInfo>;
  }

  /** Makes (undo: reverts) one of the guided tour's edits in a demo project; `bad_request` in any other project. */
  async DemoEdit(name: DemoEditName, undo: boolean): Promise<void> {
    await this.#t.call('DemoEdit', [name, undo]);
  }

  // Incidents and cards from what went wrong (docs/api.md, "Incidents").

  /** The incidents of the last `days` days (0: 30) and every open one, newest first. */
  Incidents(days: number): Promise<IncidentInfo[]> {
    return this.#t.call('Incidents', [days]) as Promise<IncidentInfo[]>;
  }

  /** Sets an incident's note and root-cause commit (a SHA of the repository; "" for none); `not_found` for an unknown commit. */
  UpdateIncident(id: number, note: string, rootCause: string): Promise<IncidentInfo> {
    return this.#t.call('UpdateIncident', [id, note, rootCause]) as Promise<IncidentInfo>;
  }

  /** Makes a Plan card from an incident, or returns the one made before while it is open. */
  IncidentCard(id: number): Promise<CardInfo> {
    return this.#t.call('IncidentCard', [id]) as Promise<CardInfo>;
  }

  /** Makes a Plan card from a failing test result, or returns the test's open card. */
  TestCard(resultId: number): Promise<CardInfo> {
    return this.#t.call('TestCard', [resultId]) as Promise<CardInfo>;
  }

  /** Makes a Plan card from a failed deploy, or returns the one made before while it is open. */
  DeployCard(deployId: number): Promise<CardInfo> {
    return this.#t.call('DeployCard', [deployId]) as Promise<CardInfo>;
  }

  // Operate (docs/api.md, "Operate").

  /** The targets with what they run, their health, open incidents, logs source and commands. */
  Operate(): Promise<OperateTarget[]> {
    return this.#t.call('Operate', []) as Promise<OperateTarget[]>;
  }

  /** A target's deploy lock, read on its host. */
  OperateLock(target: string): Promise<LockInfo> {
    return this.#t.call('OperateLock', [target]) as Promise<LockInfo>;
  }

  /** Starts a target's log stream; lines arrive as operate.log. */
  OpenLogs(target: string): Promise<LogStreamInfo> {
    return this.#t.call('OpenLogs', [target]) as Promise<LogStreamInfo>;
  }

  /** Keeps a log stream going; `not_found` once it has ended. */
  async KeepLogs(stream: string): Promise<void> {
    await this.#t.call('KeepLogs', [stream]);
  }

  async CloseLogs(stream: string): Promise<void> {
    await this.#t.call('CloseLogs', [stream]);
  }

  /** Runs the start command again; `conflict` when refused (lock held, production unconfirmed). */
  RestartTarget(target: string, confirm: boolean): Promise<OperateResult> {
    return this.#t.call('RestartTarget', [target, confirm]) as Promise<OperateResult>;
  }

  StopTarget(target: string, confirm: boolean): Promise<OperateResult> {
    return this.#t.call('StopTarget', [target, confirm]) as Promise<OperateResult>;
  }

  /** Subscribes to an event topic; returns the unsubscribe function. */
  on<T extends Topic>(topic: T, callback: (payload: EventMap[T]) => void): () => void {
    return this.#t.on(topic, callback as (payload: unknown) => void);
  }

  /** Reports the event stream's state now and on every change; returns the unsubscribe function. */
  onConnection(callback: (state: Connection) => void): () => void {
    return this.#t.onConnection(callback);
  }

  /** Opens a link outside the app (the system browser, or a new tab). */
  openURL(url: string): void {
    this.#t.openURL(url);
  }
}

/** True in the desktop window (Wails bindings present), false in the browser face. */
export function isDesktop(win: Window = window): boolean {
  return Boolean(win.go?.main?.App && win.runtime);
}

/** The API for this window: Wails bindings when present, else HTTP + EventSource. */
export function createApi(win: Window & typeof globalThis = window): Api {
  const app = win.go?.main?.App;
  if (app && win.runtime) return new Api(wailsTransport(app, win.runtime));
  return new Api(
    httpTransport({
      fetch: win.fetch.bind(win),
      EventSource: win.EventSource,
      openWindow: (url) => win.open(url, '_blank', 'noopener,noreferrer'),
    }),
  );
}
