import { afterEach, describe, expect, it, vi } from 'vitest';
import { Api, ApiError, createApi, httpTransport, isDesktop, toApiError, type Connection } from './api';
import type { RunInfo } from './types';

describe('toApiError', () => {
  it.each([
    [{ code: 'conflict', message: 'a run is already going' }, 'conflict', 'a run is already going'],
    ['plain failure', 'unknown', 'plain failure'],
    ['{"code":"not_found","message":"no run 9"}', 'not_found', 'no run 9'],
    ['{not json', 'unknown', '{not json'],
    [new Error('boom'), 'unknown', 'boom'],
    [42, 'unknown', '42'],
  ])('%j → %s: %s', (input, code, message) => {
    const e = toApiError(input);
    expect(e).toBeInstanceOf(ApiError);
    expect(e.code).toBe(code);
    expect(e.message).toBe(message);
  });
});

describe('Wails face', () => {
  afterEach(() => {
    delete window.go;
    delete window.runtime;
  });

  function fakeWails() {
    const handlers = new Map<string, Set<(...data: unknown[]) => void>>();
    const app = {
      Runs: vi.fn(async (limit: unknown) => [{ id: 1, limit }]),
      StepLog: vi.fn(async () => ({ chunks: [], nextSeq: 0, more: false })),
      CancelRun: vi.fn(async () => Promise.reject({ code: 'conflict', message: 'run 3 is not running' })),
      StartRun: vi.fn(async () => Promise.reject('config invalid: eightfold.yaml:3:5')),
      WatchState: vi.fn(async () => ({ watching: true, dirs: 4, auto: true, pending: 0, loop: '', error: '' })),
      SetAutoRun: vi.fn(async () => null),
      RunTests: vi.fn(async () => []),
      TestDetail: vi.fn(async (id: unknown) => ({ result: { id } })),
      RunInsights: vi.fn(async (id: unknown) => ({ run_id: id })),
      FlakyTests: vi.fn(async () => []),
    };
    const runtime = {
      EventsOn: vi.fn((topic: string, cb: (...data: unknown[]) => void) => {
        if (!handlers.has(topic)) handlers.set(topic, new Set());
        handlers.get(topic)!.add(cb);
        return () => handlers.get(topic)!.delete(cb);
      }),
      BrowserOpenURL: vi.fn(),
    };
    window.go = { main: { App: app as never } };
    window.runtime = runtime;
    const emit = (topic: string, payload: unknown) => handlers.get(topic)?.forEach((cb) => cb(payload));
    return { app, runtime, emit };
  }

  it('calls the bound methods with their arguments', async () => {
    const { app } = fakeWails();
    const api = createApi();
    await expect(api.Runs(5)).resolves.toEqual([{ id: 1, limit: 5 }]);
    await api.StepLog(7, 3, 1024);
    expect(app.StepLog).toHaveBeenCalledWith(7, 3, 1024);
  });

  it('turns rejections into ApiError', async () => {
    fakeWails();
    const api = createApi();
    await expect(api.CancelRun(3)).rejects.toMatchObject({ name: 'ApiError', code: 'conflict', message: 'run 3 is not running' });
    await expect(api.StartRun()).rejects.toMatchObject({ code: 'unknown', message: 'config invalid: eightfold.yaml:3:5' });
    await expect(api.Project()).rejects.toMatchObject({ code: 'not_found' });
  });

  it('delivers events until unsubscribed', () => {
    const { emit, runtime } = fakeWails();
    const api = createApi();
    const seen: RunInfo[] = [];
    const off = api.on('run.updated', (r) => seen.push(r));
    expect(runtime.EventsOn).toHaveBeenCalledWith('run.updated', expect.any(Function));
    emit('run.updated', { id: 4 });
    off();
    emit('run.updated', { id: 5 });
    expect(seen).toEqual([{ id: 4 }]);
  });

  it('calls the watch methods and says it is the desktop face', async () => {
    expect(isDesktop()).toBe(false);
    const { app } = fakeWails();
    expect(isDesktop()).toBe(true);
    const api = createApi();
    await expect(api.WatchState()).resolves.toMatchObject({ watching: true, dirs: 4 });
    await expect(api.SetAutoRun(false)).resolves.toBeUndefined();
    expect(app.SetAutoRun).toHaveBeenCalledWith(false);
  });

  it('calls the test methods with their arguments', async () => {
    const { app } = fakeWails();
    const api = createApi();
    await api.RunTests(12);
    expect(app.RunTests).toHaveBeenLastCalledWith(12, {});
    await api.RunTests(12, { failed: true, name: 'cart' });
    expect(app.RunTests).toHaveBeenLastCalledWith(12, { failed: true, name: 'cart' });
    await expect(api.TestDetail(345)).resolves.toEqual({ result: { id: 345 } });
    await expect(api.RunInsights(12)).resolves.toEqual({ run_id: 12 });
    await api.FlakyTests(0);
    expect(app.FlakyTests).toHaveBeenCalledWith(0);
  });

  it('is always connected and opens links in the system browser', () => {
    const { runtime } = fakeWails();
    const api = createApi();
    const states: Connection[] = [];
    api.onConnection((s) => states.push(s));
    expect(states).toEqual(['open']);
    api.openURL('https://example.com/');
    expect(runtime.BrowserOpenURL).toHaveBeenCalledWith('https://example.com/');
  });
});

class FakeEventSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static instances: FakeEventSource[] = [];
  readonly url: string;
  readyState = FakeEventSource.CONNECTING;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  listeners = new Map<string, ((ev: MessageEvent) => void)[]>();

  constructor(url: string) {
    this.url = url;
    FakeEventSource.instances.push(this);
  }
  addEventListener(topic: string, cb: (ev: MessageEvent) => void) {
    this.listeners.set(topic, [...(this.listeners.get(topic) ?? []), cb]);
  }
  close() {
    this.readyState = FakeEventSource.CLOSED;
  }
  open() {
    this.readyState = FakeEventSource.OPEN;
    this.onopen?.();
  }
  fail(closed: boolean) {
    this.readyState = closed ? FakeEventSource.CLOSED : FakeEventSource.CONNECTING;
    this.onerror?.();
  }
  send(topic: string, data: string) {
    this.listeners.get(topic)?.forEach((cb) => cb(new MessageEvent(topic, { data })));
  }
}

describe('HTTP face', () => {
  afterEach(() => {
    FakeEventSource.instances = [];
    vi.useRealTimers();
  });

  function http(respond: (url: string, init: RequestInit) => Response | Promise<Response>) {
    const fetch = vi.fn(async (url: string | URL | Request, init?: RequestInit) => respond(String(url), init!));
    const opened: string[] = [];
    const transport = httpTransport({
      fetch: fetch as typeof globalThis.fetch,
      EventSource: FakeEventSource as unknown as typeof EventSource,
      openWindow: (url) => opened.push(url),
      retryDelay: () => 1000,
    });
    return { fetch, transport, opened };
  }

  it('posts the arguments as a JSON array to /api/<Method>', async () => {
    const { fetch, transport } = http(() => new Response(JSON.stringify({ chunks: [], nextSeq: 9, more: false })));
    const page = await transport.call('StepLog', [7, 3, 0]);
    expect(page).toEqual({ chunks: [], nextSeq: 9, more: false });
    expect(fetch).toHaveBeenCalledWith('/api/StepLog', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '[7,3,0]',
      credentials: 'same-origin',
    });
  });

  it('posts the test methods with their arguments', async () => {
    const { fetch, transport } = http(() => new Response('[]'));
    const api = new Api(transport);
    await api.RunTests(12, { slow: true, limit: 10 });
    await api.RunTests(13);
    await api.TestDetail(345);
    await api.RunInsights(12);
    await api.FlakyTests(50);
    expect(fetch.mock.calls.map(([url, init]) => [url, init?.body])).toEqual([
      ['/api/RunTests', '[12,{"slow":true,"limit":10}]'],
      ['/api/RunTests', '[13,{}]'],
      ['/api/TestDetail', '[345]'],
      ['/api/RunInsights', '[12]'],
      ['/api/FlakyTests', '[50]'],
    ]);
  });

  it('sends [] for methods without arguments and accepts null', async () => {
    const { fetch, transport } = http(() => new Response('null'));
    await expect(transport.call('CancelRun', [])).resolves.toBeNull();
    expect(fetch.mock.calls[0][1]?.body).toBe('[]');
  });

  it('turns error responses into ApiError', async () => {
    const { transport } = http(
      () => new Response(JSON.stringify({ code: 'conflict', message: 'a run is already going' }), { status: 409 }),
    );
    await expect(transport.call('StartRun', [])).rejects.toMatchObject({
      name: 'ApiError',
      code: 'conflict',
      message: 'a run is already going',
    });
  });

  it('keeps the text of error responses that are not JSON', async () => {
    const { transport } = http(() => new Response('bad gateway\n', { status: 502 }));
    await expect(transport.call('Runs', [0])).rejects.toMatchObject({ code: 'http_502', message: 'bad gateway' });
  });

  it('reports a server it cannot reach', async () => {
    const { transport } = http(() => Promise.reject(new TypeError('Failed to fetch')));
    await expect(transport.call('Project', [])).rejects.toMatchObject({ code: 'network' });
  });

  it('shares one EventSource and delivers each topic to its subscribers', () => {
    const { transport } = http(() => new Response('null'));
    const started: unknown[] = [];
    const appended: unknown[] = [];
    const offStarted = transport.on('run.started', (p) => started.push(p));
    transport.on('log.appended', (p) => appended.push(p));
    expect(FakeEventSource.instances).toHaveLength(1);
    const es = FakeEventSource.instances[0];
    expect(es.url).toBe('/api/events');

    es.send('run.started', '{"id":1}');
    es.send('log.appended', '{"runId":1,"stepId":2,"seq":3}');
    es.send('log.appended', 'not json');
    offStarted();
    es.send('run.started', '{"id":2}');

    expect(started).toEqual([{ id: 1 }]);
    expect(appended).toEqual([{ runId: 1, stepId: 2, seq: 3 }]);
  });

  it('reports the connection state and starts over when the browser gives up', () => {
    vi.useFakeTimers();
    const { transport } = http(() => new Response('null'));
    const states: Connection[] = [];
    const seen: unknown[] = [];
    transport.onConnection((s) => states.push(s));
    transport.on('run.updated', (p) => seen.push(p));
    const first = FakeEventSource.instances[0];
    first.open();
    first.fail(false);
    expect(FakeEventSource.instances).toHaveLength(1);
    first.fail(true);
    vi.advanceTimersByTime(1000);
    expect(FakeEventSource.instances).toHaveLength(2);
    const second = FakeEventSource.instances[1];
    second.open();
    second.send('run.updated', '{"id":8}');
    expect(states).toEqual(['connecting', 'open', 'reconnecting', 'open']);
    expect(seen).toEqual([{ id: 8 }]);
  });

  it('is what createApi picks without window.go', async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify({ id: 3 })));
    vi.stubGlobal('fetch', fetch);
    vi.stubGlobal('EventSource', FakeEventSource);
    try {
      const api = createApi();
      await expect(api.GetRun(3)).resolves.toEqual({ id: 3 });
      expect(fetch).toHaveBeenCalledWith('/api/GetRun', expect.objectContaining({ method: 'POST', body: '[3]' }));
      const seen: unknown[] = [];
      api.on('run.finished', (r) => seen.push(r));
      FakeEventSource.instances[0].send('run.finished', '{"id":3}');
      expect(seen).toEqual([{ id: 3 }]);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('opens links in a new tab', () => {
    const { transport, opened } = http(() => new Response('null'));
    transport.openURL('https://example.com/');
    expect(opened).toEqual(['https://example.com/']);
  });
});
