// A stand-in for the Go side in tests: answers calls from a table and emits events on demand.

import { Api, type Connection, type Transport } from '../lib/api';
import type {
  EventMap,
  FlakyInfo,
  LogChunk,
  ProjectInfo,
  RunInfo,
  RunInsights,
  StepInfo,
  TestDetail,
  TestOutcome,
  TestResultInfo,
  Topic,
  WatchState,
} from '../lib/types';

type Handler = (...args: unknown[]) => unknown;

export class FakeGo implements Transport {
  readonly calls: { method: string; args: unknown[] }[] = [];
  readonly opened: string[] = [];
  #handlers: Record<string, Handler>;
  #subs = new Map<string, Set<(payload: unknown) => void>>();
  #watchers = new Set<(state: Connection) => void>();

  constructor(handlers: Record<string, Handler>) {
    this.#handlers = handlers;
  }

  async call(method: string, args: unknown[]): Promise<unknown> {
    this.calls.push({ method, args });
    const h = this.#handlers[method];
    if (!h) throw { code: 'not_found', message: `no fake for ${method}` };
    return h(...args);
  }

  on(topic: string, cb: (payload: unknown) => void): () => void {
    if (!this.#subs.has(topic)) this.#subs.set(topic, new Set());
    this.#subs.get(topic)!.add(cb);
    return () => this.#subs.get(topic)!.delete(cb);
  }

  onConnection(cb: (state: Connection) => void): () => void {
    this.#watchers.add(cb);
    cb('open');
    return () => this.#watchers.delete(cb);
  }

  openURL(url: string): void {
    this.opened.push(url);
  }

  emit<T extends Topic>(topic: T, payload: EventMap[T]): void {
    for (const cb of this.#subs.get(topic) ?? []) cb(payload);
  }

  setConnection(state: Connection): void {
    for (const w of this.#watchers) w(state);
  }

  api(): Api {
    return new Api(this);
  }
}

export function project(over: Partial<ProjectInfo> = {}): ProjectInfo {
  return {
    path: '/home/dev/demo',
    name: 'demo',
    branch: 'main',
    commit: '0123456789abcdef0123456789abcdef01234567',
    dirty: false,
    isGit: true,
    configSource: 'eightfold.yaml',
    configError: '',
    steps: [],
    places: [
      { id: 'plan', title: 'Plan', ready: false, note: 'The plan board has not landed yet.' },
      { id: 'code', title: 'Code', ready: false, note: 'The code view has not landed yet.' },
      { id: 'build', title: 'Build & Test', ready: true, note: '' },
      { id: 'release', title: 'Release', ready: false, note: 'Releases have not landed yet.' },
      { id: 'deploy', title: 'Deploy', ready: false, note: 'Deploys have not landed yet.' },
      { id: 'operate', title: 'Operate', ready: false, note: 'Operate has not landed yet.' },
      { id: 'monitor', title: 'Monitor', ready: false, note: 'Monitoring has not landed yet.' },
    ],
    ...over,
  };
}

export function step(over: Partial<StepInfo> = {}): StepInfo {
  return {
    id: 1,
    name: 'build',
    command: 'go build ./...',
    status: 'passed',
    exit_code: 0,
    started_at: '2025-01-01T10:00:00.000Z',
    duration_ms: 1200,
    log_bytes: 42,
    truncated: false,
    ...over,
  };
}

export function run(over: Partial<RunInfo> = {}): RunInfo {
  return {
    id: 1,
    project: '/home/dev/demo',
    status: 'passed',
    trigger: 'manual',
    commit: '0123456789abcdef0123456789abcdef01234567',
    branch: 'main',
    dirty: false,
    started_at: new Date(Date.now() - 60_000).toISOString(),
    finished_at: new Date().toISOString(),
    duration_ms: 3400,
    error: '',
    reason: '',
    changed_files: [],
    changed_count: 0,
    scope: null,
    steps: [step()],
    tests: { total: 0, passed: 0, failed: 0, skipped: 0, flaky: 0 },
    ...over,
  };
}

export function chunk(seq: number, text: string, stream: LogChunk['stream'] = 'stdout'): LogChunk {
  return { seq, ts: 0, stream, text };
}

export function watchState(over: Partial<WatchState> = {}): WatchState {
  return { watching: true, dirs: 12, auto: true, pending: 0, loop: '', error: '', ...over };
}

export function testResult(over: Partial<TestResultInfo> = {}): TestResultInfo {
  return {
    id: 1,
    run_id: 1,
    step_id: 1,
    test_id: 1,
    suite: 'example.com/shop/cart',
    name: 'TestAdd',
    status: 'passed',
    duration_ms: 12,
    attempts: 1,
    flaky: false,
    message: '',
    file: '',
    line: 0,
    ...over,
  };
}

export function outcome(over: Partial<TestOutcome> = {}): TestOutcome {
  return {
    run_id: 1,
    result_id: 1,
    status: 'passed',
    duration_ms: 12,
    flaky: false,
    commit: '0123456789abcdef0123456789abcdef01234567',
    started_at: '2025-01-01T10:00:00.000Z',
    ...over,
  };
}

export function testDetail(over: Partial<TestDetail> = {}): TestDetail {
  const result = over.result ?? testResult();
  return {
    result,
    output: '',
    history: [outcome({ run_id: result.run_id, result_id: result.id, status: result.status, duration_ms: result.duration_ms })],
    last_passed_run: result.status === 'passed' ? result.run_id : 0,
    failing_since: 0,
    median_ms: 0,
    ...over,
  };
}

export function insights(over: Partial<RunInsights> = {}): RunInsights {
  return {
    run_id: 1,
    last_green: null,
    last_red: null,
    newly_failing: [],
    fixed: [],
    slowest: [],
    regressions: [],
    since_green: null,
    ...over,
  };
}

export function flakyInfo(over: Partial<FlakyInfo> = {}): FlakyInfo {
  return {
    test_id: 1,
    suite: 'example.com/shop/net',
    name: 'TestReconnect',
    reasons: ['flips'],
    evidence: [2, 3, 4],
    flips: 3,
    failures: 2,
    last_run: 4,
    ...over,
  };
}
