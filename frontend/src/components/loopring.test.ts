import { fireEvent, render, screen } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RING_DEBOUNCE_MS } from '../lib/ring';
import { RingState } from '../lib/ring.svelte';
import { statusInfo } from '../lib/ring.fixtures';
import type { StatusInfo } from '../lib/types';
import { Workbench } from '../lib/workbench.svelte';
import { FakeGo, run } from '../testing/fake';
import LoopRing from './LoopRing.svelte';

const settle = async () => {
  await new Promise((res) => setTimeout(res, 0));
  await tick();
};

function mount(status: () => StatusInfo | Promise<StatusInfo>) {
  const go = new FakeGo({ Status: status });
  const wb = new Workbench(go.api());
  wb.place = 'build';
  const ring = new RingState(go.api());
  render(LoopRing, { wb, ring });
  return { go, wb };
}

const statusCalls = (go: FakeGo) => go.calls.filter((c) => c.method === 'Status').length;
const node = (id: string) => screen.getAllByTestId('ring-stage').find((n) => n.dataset.stage === id)!;

afterEach(() => {
  vi.useRealTimers();
});

describe('LoopRing', () => {
  it('shows the eight stages, marks those needing attention and the open place, and links each to its place', async () => {
    mount(() => statusInfo({ build: 'run #4 failed: step test failed' }));
    await settle();
    const nodes = screen.getAllByTestId('ring-stage');
    expect(nodes.map((n) => n.dataset.stage)).toEqual(['plan', 'code', 'build', 'test', 'release', 'deploy', 'operate', 'monitor']);
    expect(nodes.map((n) => n.dataset.attention)).toEqual(['false', 'false', 'true', 'false', 'false', 'false', 'false', 'false']);
    expect(node('build').getAttribute('aria-label')).toBe('Build: Build summary. needs attention: run #4 failed: step test failed. open now');
    expect(node('build').classList.contains('current')).toBe(true);
    expect(node('test').classList.contains('current')).toBe(true);
    expect(node('plan').classList.contains('current')).toBe(false);
    expect(node('test').getAttribute('href')).toBe('#/build');
    expect(node('monitor').getAttribute('href')).toBe('#/monitor');
    expect(node('release').querySelector('title')?.textContent).toBe('Release: Release summary');
    expect(screen.getByTestId('loop-ring').textContent).toContain('1 needs attention');
    // With nothing pointed at, the caption tells what needs attention.
    expect(screen.getByTestId('ring-caption').textContent).toContain('run #4 failed: step test failed');
  });

  it('captions the stage pointed at', async () => {
    mount(() => statusInfo());
    await settle();
    expect(screen.getByTestId('ring-caption').textContent).toContain('Build summary'); // the open place
    await fireEvent.pointerEnter(node('deploy'));
    expect(screen.getByTestId('ring-caption').textContent).toContain('Deploy summary');
    await fireEvent.pointerLeave(node('deploy'));
    expect(screen.getByTestId('ring-caption').textContent).toContain('Build summary');
  });

  it('loads again once after a burst of events', async () => {
    vi.useFakeTimers();
    let failing = false;
    const { go } = mount(() => statusInfo(failing ? { test: '2 tests failed in run #5' } : {}));
    await vi.advanceTimersByTimeAsync(0);
    expect(statusCalls(go)).toBe(1);
    expect(node('test').dataset.attention).toBe('false');
    failing = true;
    go.emit('run.finished', run({ id: 5, status: 'failed' }));
    go.emit('board.changed', { what: 'card', card: null });
    go.emit('project.changed', statusInfo().project);
    await vi.advanceTimersByTimeAsync(RING_DEBOUNCE_MS - 1);
    expect(statusCalls(go)).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(statusCalls(go)).toBe(2);
    await tick();
    expect(node('test').dataset.attention).toBe('true');
  });

  it('says so in the ring alone when the status cannot be read', async () => {
    const { wb } = mount(() => Promise.reject({ code: 'internal', message: 'database is locked' }));
    await settle();
    expect(screen.queryAllByTestId('ring-stage')).toHaveLength(0);
    expect(screen.getByTestId('ring-error').getAttribute('title')).toBe('database is locked');
    expect(wb.notices).toHaveLength(0);
  });
});
