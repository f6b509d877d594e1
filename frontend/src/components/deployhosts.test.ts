// The hosts of a target with several of them in the Deploy place: each host's state in a
// rollout (live, then as it ended), the versions the hosts run, and single-host targets as before.
import { render, screen, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeployState } from '../lib/deploy.svelte';
import type { DeployInfo, HostInfo, TargetHostInfo, TargetInfo } from '../lib/types';
import { Workbench } from '../lib/workbench.svelte';
import { FakeDeploy, FakeGo, deployInfo, deployStep, project, targetInfo, watchState } from '../testing/fake';
import DeployHosts from './DeployHosts.svelte';
import DeploySteps from './DeploySteps.svelte';
import DeployView from './DeployView.svelte';

const settle = async () => {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 0));
    await tick();
  }
};
const text = (el: Element) => el.textContent?.replace(/\s+/g, ' ').trim() ?? '';

const A = 'deploy@10.0.0.11:22';
const B = 'deploy@10.0.0.12:22';
const C = 'deploy@10.0.0.13:2222';
const OLD = '20261126T081502.114Z-0.4.0';
const NEW = '20261126T090000.000Z-0.4.1';

function host(h: string, state: string, over: Partial<HostInfo> = {}): HostInfo {
  return { host: h, state, release: NEW, version: '0.4.1', previous: OLD, previous_version: '0.4.0', current: NEW, failure: '', took_ms: 0, ...over };
}

const onVersion = (h: string, version: string): TargetHostInfo => ({ host: h, path: '/srv/app', release: version ? `r-${version}` : '', version });

/** production on three hosts, plus a single-host staging that must look as it always did. */
function targets(versions: [string, string, string]): TargetInfo[] {
  return [
    targetInfo(),
    targetInfo({
      name: 'production',
      host: `${A}, ${B}, ${C}`,
      production: true,
      parallel: 1,
      hosts: [onVersion(A, versions[0]), onVersion(B, versions[1]), onVersion(C, versions[2])],
    }),
  ];
}

function start(list: TargetInfo[], deploys: DeployInfo[] = []) {
  const fd = new FakeDeploy(list, undefined, deploys);
  const go = fd.attach(
    new FakeGo({ Project: () => project(), Runs: () => [], WatchState: () => watchState(), ...fd.handlers(), Targets: () => list }),
  );
  const wb = new Workbench(go.api());
  const deploy = new DeployState(wb.api, (err) => wb.report(err));
  render(DeployView, { wb, deploy, deployId: null });
  return { go };
}

const card = (name: string) => within(screen.getAllByTestId('deploy-target').find((c) => c.dataset.name === name)!);

describe('a target with several hosts', () => {
  it("lists each host's version on the card, and says how many hosts there are", async () => {
    start(targets(['0.4.0', '0.4.0', '0.4.0']));
    await settle();
    const prod = card('production');
    expect(text(prod.getByTestId('deploy-where'))).toBe('ssh · 3 hosts');
    expect(prod.getByTestId('deploy-where').title).toBe(`${A}, ${B}, ${C}`);
    const rows = prod.getAllByTestId('target-host');
    expect(rows.map((r) => [r.dataset.host, r.dataset.version])).toEqual([
      [A, '0.4.0'],
      [B, '0.4.0'],
      [C, '0.4.0'],
    ]);
    expect(prod.getByTestId('target-hosts').dataset.mixed).toBe('false');
    expect(prod.queryByTestId('target-hosts-mixed')).toBeNull();
  });

  it('flags the hosts on a different version', async () => {
    start(targets(['0.4.1', '0.4.0', '0.4.1']));
    await settle();
    const prod = card('production');
    expect(prod.getByTestId('target-hosts-mixed').textContent).toContain('on different versions');
    const odd = prod.getAllByTestId('target-host').filter((r) => r.dataset.differs === 'true');
    expect(odd.map((r) => r.dataset.host)).toEqual([B]);
    expect(text(odd[0])).toBe(`${B} 0.4.0 not 0.4.1`);
  });

  it("shows each host's state live as the rollout goes, then how it ended", async () => {
    const { go } = start(targets(['0.4.0', '0.4.0', '0.4.0']));
    await settle();
    const running = deployInfo({
      id: 12,
      target: 'production',
      version: '0.4.1',
      status: 'running',
      finished_at: '',
      host: `${A}, ${B}, ${C}`,
      steps: [deployStep({ host: A, name: 'health', status: 'passed' }), deployStep({ host: B, name: 'health', status: 'running' })],
      hosts: [host(A, 'deployed', { took_ms: 9_800 }), host(B, 'running', { current: OLD }), host(C, 'untouched', { release: '', version: '', current: OLD })],
    });
    go.emit('deploy.updated', running);
    await settle();
    const states = () => card('production').getAllByTestId('deploy-host').map((r) => `${r.dataset.host}:${text(within(r).getByTestId('deploy-host-state'))}`);
    expect(states()).toEqual([`${A}:✓deployed`, `${B}:◐deploying`, `${C}:–untouched`]);
    // A step per host: the same step name on two hosts is two lines, each naming its host.
    const steps = card('production').getAllByTestId('deploy-step');
    expect(steps.map((s) => text(s))).toEqual([`✓ ${A} Health check passed`, `◐ ${B} Health check running`]);

    const failure = 'unhealthy: http://10.0.0.12:8080/healthz not healthy within 45s: status 503';
    go.emit('deploy.updated', {
      ...running,
      status: 'failed',
      finished_at: '2025-03-01T11:01:00.000Z',
      failure: `${B}: ${failure}`,
      hosts: [
        host(A, 'rolled back', { current: OLD, took_ms: 12_300 }),
        host(B, 'failed', { current: OLD, failure, took_ms: 47_100 }),
        host(C, 'untouched', { release: '', version: '', current: OLD }),
      ],
    });
    await settle();
    const rows = card('production').getAllByTestId('deploy-host');
    expect(states()).toEqual([`${A}:↺rolled back`, `${B}:✗failed`, `${C}:–untouched`]);
    expect(text(rows[0])).toBe(`↺rolled back ${A} back on 0.4.0 12.3s`);
    expect(text(rows[1])).toBe(`✗failed ${B} 0.4.1 failed; still on 0.4.0 47.1s ${failure}`);
    expect(within(rows[1]).getByTestId('deploy-host-failure').textContent).toBe(failure);
    expect(text(rows[2])).toBe(`–untouched ${C} not touched`);
  });

  it('leaves a single-host target as it was: no hosts list, its one address', async () => {
    start(targets(['0.4.0', '0.4.0', '0.4.0']), [deployInfo({ id: 3, hosts: [] })]);
    await settle();
    const staging = card('staging');
    expect(text(staging.getByTestId('deploy-where'))).toBe('ssh · deploy@203.0.113.10:22');
    expect(staging.queryByTestId('target-hosts')).toBeNull();
    expect(staging.queryByTestId('deploy-hosts')).toBeNull();
  });
});

describe('DeploySteps', () => {
  it('keeps one line per host and step', () => {
    render(DeploySteps, {
      steps: [
        deployStep({ host: A, name: 'upload', status: 'passed' }),
        deployStep({ host: B, name: 'upload', status: 'passed' }),
        deployStep({ name: 'lock', status: 'passed' }),
      ],
    });
    const steps = screen.getAllByTestId('deploy-step');
    expect(steps).toHaveLength(3);
    expect(steps.map((s) => s.querySelector('.host')?.textContent ?? '')).toEqual([A, B, '']);
  });
});

describe('DeployHosts', () => {
  afterEach(() => vi.useRealTimers());

  it('counts up the time of the host that is deploying, each second, and keeps the others still', async () => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.parse('2026-11-26T09:00:03.000Z'));
    render(DeployHosts, {
      deploy: {
        kind: 'deploy',
        hosts: [
          host(A, 'deployed', { took_ms: 9_800, started_at: '2026-11-26T08:59:50.000Z' }),
          host(B, 'running', { current: OLD, started_at: '2026-11-26T09:00:00.000Z' }),
          host(C, 'untouched', { release: '', version: '', current: OLD }),
        ],
      },
    });
    const took = () => screen.getAllByTestId('deploy-host-took').map((el) => el.textContent);
    expect(took()).toEqual(['9.8s', '3.0s', '']);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(took()).toEqual(['9.8s', '5.0s', '']);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(took()).toEqual(['9.8s', '1m 05s', '']);
  });
});
