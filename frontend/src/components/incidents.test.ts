import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CardInfo, DeployInfo, IncidentInfo, TestResultInfo } from '../lib/types';
import { deployInfo, FakeGo } from '../testing/fake';
import DeployFailure from './DeployFailure.svelte';
import IncidentList from './IncidentList.svelte';
import InsightTests from './InsightTests.svelte';
import Toasts from './Toasts.svelte';

const settle = async () => {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 0));
    await tick();
  }
};

function incident(over: Partial<IncidentInfo> = {}): IncidentInfo {
  return {
    id: 7,
    kind: 'check_down',
    title: 'target:production is DOWN: status 502',
    target: 'production',
    check: 'target:production',
    started: '2026-03-20T14:05:00Z',
    resolved: '',
    duration_ms: 0,
    deploy_id: 41,
    deploy_version: '1.2.0',
    note: '',
    root_cause: '',
    root_cause_subject: '',
    card_id: 0,
    card_key: '',
    ...over,
  };
}

const card = (key: string) => ({ id: 3, key, title: 't' }) as CardInfo;

describe('IncidentList', () => {
  it('shows each incident: kind, target, duration or open, its deploy', () => {
    const api = new FakeGo({}).api();
    render(IncidentList, {
      incidents: [incident(), incident({ id: 8, kind: 'rollback', resolved: '2026-03-20T14:07:05Z', duration_ms: 125_000, card_key: '#4' })],
      api,
    });
    const [open, done] = screen.getAllByTestId('incident');
    expect(within(open).getByTestId('incident-kind').textContent).toBe('down');
    expect(within(open).getByTestId('incident-target').textContent).toBe('production');
    expect(within(open).getByTestId('incident-duration').textContent).toBe('open');
    expect(within(open).getByTestId('incident-deploy').getAttribute('href')).toBe('#/deploy/41');
    expect(within(open).getByTestId('make-card')).toBeTruthy();
    expect(within(done).getByTestId('incident-duration').textContent).toBe('2m 05s');
    expect(within(done).getByTestId('card-key').textContent).toBe('Card #4');
    expect(within(done).getByTestId('card-key').getAttribute('href')).toBe('#/plan');
  });

  it('saves a note and root cause inline, and shows an unknown commit refused', async () => {
    const go = new FakeGo({
      UpdateIncident: (id, note, root) => {
        if (root === 'dead') throw { code: 'not_found', message: 'root cause "dead" is not a commit of the repository' };
        return incident({ id: id as number, note: note as string, root_cause: 'abcdef0123456789', root_cause_subject: 'fix: disk' });
      },
    });
    const onchanged = vi.fn();
    render(IncidentList, { incidents: [incident()], api: go.api(), onchanged });
    await fireEvent.click(screen.getByTestId('incident-edit'));
    await fireEvent.input(screen.getByTestId('incident-note-input'), { target: { value: 'disk full' } });
    await fireEvent.input(screen.getByTestId('incident-root-input'), { target: { value: 'dead' } });
    await fireEvent.submit(screen.getByTestId('incident-form'));
    await settle();
    expect(screen.getByTestId('incident-error').textContent).toContain('not a commit of the repository');
    expect(onchanged).not.toHaveBeenCalled();

    await fireEvent.input(screen.getByTestId('incident-root-input'), { target: { value: 'abcdef0' } });
    await fireEvent.submit(screen.getByTestId('incident-form'));
    await settle();
    expect(go.calls.at(-1)).toEqual({ method: 'UpdateIncident', args: [7, 'disk full', 'abcdef0'] });
    expect(onchanged).toHaveBeenCalledWith(expect.objectContaining({ note: 'disk full', root_cause: 'abcdef0123456789' }));
    expect(screen.queryByTestId('incident-form')).toBeNull();
  });

  it('makes a card once and shows its key', async () => {
    const go = new FakeGo({ IncidentCard: () => card('#12') });
    const onchanged = vi.fn();
    render(IncidentList, { incidents: [incident()], api: go.api(), onchanged });
    await fireEvent.click(screen.getByTestId('make-card'));
    await settle();
    expect(screen.getByTestId('card-key').textContent).toBe('Card #12');
    expect(go.calls).toEqual([{ method: 'IncidentCard', args: [7] }]);
    expect(onchanged).toHaveBeenCalledWith(expect.objectContaining({ id: 7, card_key: '#12', card_id: 3 }));
  });
});

describe('Make a card buttons', () => {
  it('on a failed deploy: makes the card and links to the board; an error shows', async () => {
    let fail = true;
    const makeCard = vi.fn(async (d: DeployInfo) => {
      if (fail) throw { code: 'conflict', message: `deploy #${d.id} is running` };
      return card('#9');
    });
    const d = deployInfo({ id: 41, status: 'failed', failure: 'unhealthy' });
    render(DeployFailure, { deploy: d, actions: true, busy: false, ontrust: () => {}, onforceunlock: () => {}, makeCard });
    await fireEvent.click(screen.getByTestId('make-card'));
    await settle();
    expect(screen.getByTestId('make-card-error').textContent).toBe('deploy #41 is running');
    fail = false;
    await fireEvent.click(screen.getByTestId('make-card'));
    await settle();
    expect(screen.getByTestId('card-key').textContent).toBe('Card #9');
    expect(makeCard).toHaveBeenLastCalledWith(d);
  });

  it('has no button on a failed deploy without makeCard', () => {
    render(DeployFailure, { deploy: deployInfo({ status: 'failed' }), actions: true, busy: false, ontrust: () => {}, onforceunlock: () => {} });
    expect(screen.queryByTestId('make-card')).toBeNull();
  });

  it('on each newly failing test', async () => {
    const tests = [{ id: 5, run_id: 2, suite: 'pkg', name: 'TestX' }, { id: 6, run_id: 2, suite: 'pkg', name: 'TestY' }] as TestResultInfo[];
    const makeCard = vi.fn(async (t: TestResultInfo) => card(`#${t.id + 10}`));
    render(InsightTests, { title: 'Newly failing', testid: 'newly-failing', tests, tone: 'failed', empty: '', makeCard });
    await fireEvent.click(screen.getAllByTestId('make-card')[1]);
    await settle();
    expect(makeCard).toHaveBeenCalledWith(tests[1]);
    expect(screen.getByTestId('card-key').textContent).toBe('Card #16');
    expect(screen.getAllByTestId('make-card')).toHaveLength(1);
  });
});

describe('Toasts', () => {
  afterEach(() => vi.useRealTimers());

  it('shows notify events, goes away by itself unless hovered, and a click follows the link', async () => {
    vi.useFakeTimers();
    const fake = new FakeGo({});
    const go = vi.fn();
    render(Toasts, { api: fake.api(), go });
    fake.emit('notify', { kind: 'run', level: 'fail', title: 'Run #2 failed after green #1', body: 'Newly failing: TestX', link: '#/build/2' });
    fake.emit('notify', { kind: 'deploy', level: 'fail', title: 'Deploy #41 failed', body: '', link: '#/deploy/41' });
    await tick();
    const toasts = screen.getAllByTestId('toast');
    expect(toasts.map((t) => t.dataset.kind)).toEqual(['deploy', 'run']);
    await fireEvent.pointerEnter(toasts[1]);
    vi.advanceTimersByTime(60_000);
    await tick();
    expect(screen.getAllByTestId('toast').map((t) => t.dataset.kind)).toEqual(['run']);
    await fireEvent.click(within(screen.getByTestId('toast')).getByTestId('toast-open'));
    expect(go).toHaveBeenCalledWith('#/build/2');
    expect(screen.queryByTestId('toast')).toBeNull();
  });
});
