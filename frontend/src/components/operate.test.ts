import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { describe, expect, it } from 'vitest';
import { OperateState } from '../lib/operate.svelte';
import type { CheckInfo, LockInfo, OperateResult, OperateTarget } from '../lib/types';
import { Workbench } from '../lib/workbench.svelte';
import { FakeGo, project, watchState } from '../testing/fake';
import OperateView from './OperateView.svelte';

const settle = async () => {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 0));
    await tick();
  }
};

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

const health = (over: Partial<CheckInfo> = {}): CheckInfo => ({
  name: 'target:staging',
  url: 'http://127.0.0.1:8080/healthz',
  state: 'UP',
  since: minutesAgo(10),
  status: 200,
  took_ms: 7,
  reason: '',
  uptime_7d: 0.98,
  ...over,
});

const TARGETS: OperateTarget[] = [
  {
    name: 'staging',
    kind: 'ssh',
    host: 'deploy@203.0.113.10:22',
    path: '/srv/app',
    production: false,
    running: { deploy_id: 4, kind: 'deploy', version: '1.2.0', commit: 'fedcba9876', who: 'ann@box', since: minutesAgo(5) },
    health: health(),
    incidents: [{ id: 7, kind: 'check_down', title: 'target:staging is DOWN: status 500', started_at: minutesAgo(2) }],
    logs: 'journalctl -u app -f -n 200',
    start: 'systemctl --user restart app',
    stop: '',
  },
  {
    name: 'production',
    kind: 'local',
    host: 'local',
    path: '/srv/prod',
    production: true,
    running: { deploy_id: 5, kind: 'promote', version: '1.1.0', commit: 'abc1234', who: 'ann@box', since: minutesAgo(60) },
    health: null,
    incidents: [],
    logs: '/srv/prod/logs/app.log',
    start: 'start.sh',
    stop: 'stop.sh',
  },
];

const LOCKS: Record<string, LockInfo> = {
  staging: { held: false, who: '', since: '', action: '', version: '' },
  production: { held: true, who: 'bob@ci', since: minutesAgo(3), action: 'deploy', version: '1.2.0' },
};

function start(handlers: ConstructorParameters<typeof FakeGo>[0] = {}) {
  const go = new FakeGo({
    Project: () => project(),
    Runs: () => [],
    WatchState: () => watchState(),
    Operate: () => structuredClone(TARGETS),
    OperateLock: (name) => LOCKS[name as string],
    OpenLogs: (target) => ({ id: `log-${target}`, target, source: 'journalctl -u app -f -n 200', host: 'h', keep_ms: 60_000 }),
    KeepLogs: () => undefined,
    CloseLogs: () => undefined,
    ...handlers,
  });
  const wb = new Workbench(go.api());
  const operate = new OperateState(wb.api, (err) => wb.report(err));
  const view = render(OperateView, { wb, operate });
  return { go, operate, view };
}

const calls = (go: FakeGo, method: string) => go.calls.filter((c) => c.method === method).map((c) => c.args);
const text = (el: Element) => el.textContent?.replace(/\s+/g, ' ').trim() ?? '';
const card = (name: string) => within(screen.getAllByTestId('operate-target').find((c) => c.dataset.name === name)!);

describe('OperateView', () => {
  it('shows per target what runs, its health, its open incidents, its lock and what its buttons can do', async () => {
    start();
    await settle();
    expect(screen.getByTestId('operate-view').dataset.loaded).toBe('true');
    const staging = card('staging');
    expect(text(staging.getByTestId('operate-running'))).toBe('Runs 1.2.0 since 5m ago fedcba9');
    expect(text(staging.getByTestId('operate-health'))).toBe('Health UP since 10m ago 200 · 7 ms 98.0% up (7 d) http://127.0.0.1:8080/healthz');
    expect(staging.getAllByTestId('operate-incident').map(text)).toEqual(['● target:staging is DOWN: status 500 since 2m ago']);
    expect(text(staging.getByTestId('operate-lock'))).toBe('Lock free');
    expect((staging.getByTestId('operate-restart') as HTMLButtonElement).disabled).toBe(false);
    expect((staging.getByTestId('operate-stop') as HTMLButtonElement).disabled).toBe(true);
    expect(staging.getByTestId('operate-stop-why').textContent).toContain('no stop: command');

    const prod = card('production');
    expect(text(prod.getByTestId('operate-running'))).toBe('Runs 1.1.0 since 1h ago abc1234 (promote)');
    expect(text(prod.getByTestId('operate-health'))).toContain('No health check');
    expect(text(prod.getByTestId('operate-lock'))).toBe('Lock Held by bob@ci (deploy of 1.2.0) since 3m ago');
    expect((prod.getByTestId('operate-restart') as HTMLButtonElement).disabled).toBe(true);
  });

  it('shows each host of a target with several, with its version, health and lock, and restarts them all', async () => {
    const [A, B] = ['deploy@a:22', 'deploy@b:22'];
    const hostCheck = (h: string, over: Partial<CheckInfo> = {}) => health({ name: `target:web@${h}`, ...over });
    const web: OperateTarget = {
      ...structuredClone(TARGETS[0]),
      name: 'web',
      stop: 'stop.sh',
      health: health({ name: 'target:web', hosts: [hostCheck(A), hostCheck(B)] }),
      hosts: [
        { host: A, path: '/srv/app', release: 'r1', version: '1.2.0', health: hostCheck(A) },
        { host: B, path: '/srv/app', release: 'r1', version: '1.2.0', health: hostCheck(B) },
      ],
    };
    const free = (host: string): LockInfo => ({ held: false, who: '', since: '', action: '', version: '', host, hosts: [] });
    const result: OperateResult = {
      target: 'web', action: 'restart', ok: false, release: '', version: '1.2.0', took_ms: 900,
      failure: `restart failed on ${B}: web is locked by bob@ci; done on ${A}`,
      output: [`[${A}] started 1.2.0`],
      hosts: [
        { host: A, state: 'done', release: 'r1', failure: '' },
        { host: B, state: 'failed', release: '', failure: 'web is locked by bob@ci' },
      ],
    };
    const { go } = start({
      Operate: () => [...structuredClone(TARGETS), web],
      OperateLock: (name) => (name === 'web' ? { ...free(''), hosts: [free(A), free(B)] } : LOCKS[name as string]),
      RestartTarget: () => result,
    });
    await settle();
    const c = card('web');
    expect(c.getAllByTestId('operate-host').map(text)).toEqual([`${A} 1.2.0 UP free`, `${B} 1.2.0 UP free`]);
    expect(text(c.getByTestId('operate-lock'))).toBe('Lock free on all 2 hosts');
    expect(calls(go, 'OperateLock')).toEqual([['staging'], ['production'], ['web']]);
    expect((c.getByTestId('operate-stop') as HTMLButtonElement).disabled).toBe(false);
    expect(c.getByTestId('logs-open')).toBeTruthy();

    go.emit('check.updated', hostCheck(B, { state: 'DOWN', reason: 'status 503' }));
    await settle();
    expect(c.getAllByTestId('operate-host').map((li) => li.dataset.state)).toEqual(['UP', 'DOWN']);

    await fireEvent.click(c.getByTestId('operate-restart'));
    await settle();
    expect(calls(go, 'RestartTarget')).toEqual([['web', false]]);
    expect(c.getByTestId('operate-result').dataset.ok).toBe('false');
    expect(c.getAllByTestId('operate-result-host').map(text)).toEqual([`✓ ${A} done`, `✗ ${B} failed`]);
    expect(text(c.getByTestId('operate-result'))).toContain(`done on ${A}`);
  });

  it('follows check.updated live', async () => {
    const { go } = start();
    await settle();
    go.emit('check.updated', health({ state: 'DOWN', reason: 'connection refused', status: 0 }));
    await settle();
    const h = card('staging').getByTestId('operate-health');
    expect(h.dataset.state).toBe('DOWN');
    expect(text(h)).toContain('DOWN');
    expect(text(h)).toContain('connection refused');
  });

  it('follows the logs, marks skipped lines, offers to reconnect after a drop, and closes the stream when the place closes', async () => {
    const { go, view } = start();
    await settle();
    await fireEvent.click(card('staging').getByTestId('logs-open'));
    await settle();
    expect(calls(go, 'OpenLogs')).toEqual([['staging']]);
    go.emit('operate.log', { stream: 'log-staging', lines: ['one', 'two'], skipped: 0, ended: false, reason: '', failed: false });
    go.emit('operate.log', { stream: 'log-other', lines: ['not mine'], skipped: 0, ended: false, reason: '', failed: false });
    go.emit('operate.log', { stream: 'log-staging', lines: ['three'], skipped: 40, ended: false, reason: '', failed: false });
    await settle();
    const logs = card('staging').getByTestId('logs-lines');
    expect(within(logs).getAllByTestId('logs-line').map(text)).toEqual(['one', 'two', 'three']);
    expect(text(within(logs).getByTestId('logs-marker'))).toBe('… 40 lines skipped: the output came faster than it can be shown');

    go.emit('operate.log', { stream: 'log-staging', lines: [], skipped: 0, ended: true, reason: 'the connection to deploy@203.0.113.10:22 failed or dropped', failed: true });
    await settle();
    expect(card('staging').getByTestId('logs-ended').textContent).toContain('dropped');
    const again = card('staging').getByTestId('logs-reconnect');
    expect(again.textContent).toBe('Reconnect');
    await fireEvent.click(again);
    await settle();
    expect(calls(go, 'OpenLogs')).toEqual([['staging'], ['staging']]);
    expect(calls(go, 'CloseLogs')).toEqual([]); // the dropped stream was over already

    view.unmount();
    await settle();
    expect(calls(go, 'CloseLogs')).toEqual([['log-staging']]);
  });

  it('says why a stream cannot be opened', async () => {
    start({ OpenLogs: () => Promise.reject({ code: 'conflict', message: 'the secret API_TOKEN of target staging is not set' }) });
    await settle();
    await fireEvent.click(card('staging').getByTestId('logs-open'));
    await settle();
    expect(card('staging').getByTestId('logs-error').textContent).toContain('API_TOKEN');
    expect(card('staging').getByTestId('logs-reconnect')).toBeTruthy();
  });

  it('asks before restarting production, then shows how it went', async () => {
    const result: OperateResult = { target: 'production', action: 'stop', ok: false, release: 'r1', version: '1.1.0', failure: 'stop exited with status 3', output: ['no such process'], took_ms: 40 };
    const { go } = start({
      OperateLock: () => LOCKS.staging,
      StopTarget: () => result,
    });
    await settle();
    await fireEvent.click(card('production').getByTestId('operate-stop'));
    await settle();
    expect(calls(go, 'StopTarget')).toEqual([]);
    expect(text(card('production').getByTestId('operate-confirm'))).toContain('production is production: stop 1.1.0 now?');
    await fireEvent.click(card('production').getByTestId('operate-confirm-yes'));
    await settle();
    expect(calls(go, 'StopTarget')).toEqual([['production', true]]);
    const out = card('production').getByTestId('operate-result');
    expect(out.dataset.ok).toBe('false');
    expect(text(out)).toContain('Stop failed: stop exited with status 3');
    expect(text(out)).toContain('no such process');
  });

  it('shows why Go refused a restart (the lock holder)', async () => {
    const { go } = start({ RestartTarget: () => Promise.reject({ code: 'conflict', message: 'staging is locked by bob@ci, who started a deploy of 1.3.0 4s ago' }) });
    await settle();
    await fireEvent.click(card('staging').getByTestId('operate-restart'));
    await settle();
    expect(calls(go, 'RestartTarget')).toEqual([['staging', false]]);
    expect(card('staging').getByTestId('operate-error').textContent).toContain('locked by bob@ci');
  });
});
