import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import { doraTiles } from '../lib/monitor';
import { doraReport, trendDay, trends } from '../lib/monitor.fixtures';
import { MonitorState, REFRESH_DEBOUNCE_MS } from '../lib/monitor.svelte';
import type { DoraReport, IncidentInfo, Trends } from '../lib/types';
import { Workbench } from '../lib/workbench.svelte';
import { FakeGo, deployInfo, run } from '../testing/fake';
import MonitorTile from './MonitorTile.svelte';
import MonitorView from './MonitorView.svelte';

const settle = async () => {
  await new Promise((res) => setTimeout(res, 0));
  await tick();
};

interface Over {
  trends?: (days: number) => Trends;
  dora?: (days: number) => DoraReport | Promise<DoraReport>;
  incidents?: () => IncidentInfo[];
}

function mount(over: Over = {}) {
  const go = new FakeGo({
    Trends: (days) => over.trends?.(days as number) ?? trends({ days: days as number }),
    Dora: (days) => over.dora?.(days as number) ?? doraReport({ days: days as number }),
    Incidents: () => over.incidents?.() ?? [],
  });
  const wb = new Workbench(go.api());
  const monitor = new MonitorState(go.api());
  const view = render(MonitorView, { wb, monitor });
  return { go, monitor, view };
}

describe('MonitorTile', () => {
  it('shows the figure, the band as a pill, the count and the definition, and opens on click', async () => {
    const onopen = vi.fn();
    render(MonitorTile, { tile: doraTiles(doraReport())[1], onopen });
    const tile = screen.getByTestId('dora-lead-time');
    expect(tile.dataset.value).toBe('12000000');
    expect(tile.textContent).toContain('3 h 20 min');
    expect(within(tile).getByTestId('dora-band').textContent).toBe('within a day');
    expect(within(tile).getByTestId('dora-band').classList.contains('elite')).toBe(true);
    expect(tile.textContent).toContain('median of 14 commits');
    expect(tile.querySelector('details p')?.textContent).toBe('Median time from commit to production.');
    await fireEvent.click(within(tile).getByRole('button'));
    expect(onopen).toHaveBeenCalledTimes(1);
  });
});

describe('MonitorView', () => {
  it('loads the default period, shows four tiles with raw values, the charts and the uptime', async () => {
    const { go } = mount();
    await settle();
    expect(go.calls.map((c) => [c.method, c.args])).toEqual([
      ['Trends', [30]],
      ['Dora', [30]],
      ['Incidents', [30]],
    ]);
    expect(screen.getByTestId('dora-frequency').dataset.value).toBe('2.33');
    expect(screen.getByTestId('dora-change-failure').dataset.value).toBe('0.25');
    expect(screen.getByTestId('dora-restore').dataset.value).toBe('2700000');
    for (const chart of ['duration', 'pass-rate', 'flaky', 'deploys']) {
      expect(screen.getByTestId(`chart-${chart}`).querySelector('[data-testid="chart-empty"]')).toBeNull();
    }
    const check = screen.getByTestId('uptime-check');
    expect(check.dataset.check).toBe('target:staging');
    const bars = within(check).getAllByRole('button');
    expect(bars.map((b) => b.className.split(' ').filter((c) => ['good', 'warn', 'bad', 'none'].includes(c))[0])).toEqual(['none', 'bad', 'good']);
    expect(bars[1].getAttribute('title')).toBe('2026-03-19: 67 % up (2 of 3 results)');
    await fireEvent.click(bars[1]);
    expect(check.textContent).toContain('2026-03-19: 67 % up (2 of 3 results)');
  });

  it('switches the period and loads it again', async () => {
    const { go } = mount();
    await settle();
    const group = screen.getByTestId('monitor-period');
    expect(within(group).getByRole('button', { pressed: true }).textContent).toBe('30 days');
    await fireEvent.click(within(group).getByText('7 days'));
    await settle();
    expect(go.calls.slice(3).map((c) => [c.method, c.args])).toEqual([
      ['Trends', [7]],
      ['Dora', [7]],
      ['Incidents', [7]],
    ]);
    expect(within(group).getByRole('button', { pressed: true }).textContent).toBe('7 days');
  });

  it('drills down from a tile to the deploys behind it, with links, and closes on a second click', async () => {
    mount();
    await settle();
    await fireEvent.click(within(screen.getByTestId('dora-change-failure')).getByRole('button'));
    const drill = screen.getByTestId('monitor-drill');
    expect(drill.dataset.kind).toBe('deploys');
    const links = within(drill).getAllByRole('link');
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['#/deploy/43', '#/deploy/45', '#/deploy/41']);
    expect(drill.textContent).toContain('failed: health gate, incident #3');
    await fireEvent.click(within(screen.getByTestId('dora-change-failure')).getByRole('button'));
    expect(screen.queryByTestId('monitor-drill')).toBeNull();
  });

  it('drills down from the incidents tile to each incident and its deploy', async () => {
    mount();
    await settle();
    await fireEvent.click(within(screen.getByTestId('dora-restore')).getByRole('button'));
    const drill = screen.getByTestId('monitor-drill');
    expect(drill.dataset.kind).toBe('incidents');
    expect(drill.textContent).toContain('restored in 45 min');
    expect(within(drill).getByRole('link').getAttribute('href')).toBe('#/deploy/43');
  });

  it('drills down from a chart day, chosen with the arrow keys, to its runs', async () => {
    mount();
    await settle();
    const slider = within(screen.getByTestId('chart-pass-rate')).getByRole('slider');
    await fireEvent.keyDown(slider, { key: 'ArrowLeft' }); // the newest day
    await fireEvent.keyDown(slider, { key: 'ArrowLeft' });
    expect(within(screen.getByTestId('chart-pass-rate')).getByTestId('chart-readout').textContent).toBe('2026-03-19: 67 % (2 of 3 runs)');
    await fireEvent.keyDown(slider, { key: 'Enter' });
    const drill = screen.getByTestId('monitor-drill');
    expect(drill.dataset.kind).toBe('runs');
    expect(within(drill).getAllByRole('link').map((a) => a.getAttribute('href'))).toEqual(['#/build/4', '#/build/5', '#/build/6']);
  });

  it('drills down from a week of deploys, of the target chosen', async () => {
    mount();
    await settle();
    const select = screen.getByTestId('deploy-target') as HTMLSelectElement;
    select.value = 'staging';
    await fireEvent.change(select);
    const slider = within(screen.getByTestId('chart-deploys')).getByRole('slider');
    await fireEvent.keyDown(slider, { key: 'ArrowLeft' });
    await fireEvent.keyDown(slider, { key: 'Enter' });
    const drill = screen.getByTestId('monitor-drill');
    expect(within(drill).getAllByRole('link').map((a) => a.getAttribute('href'))).toEqual(['#/deploy/6']);
    expect(drill.textContent).toContain('rollback, succeeded');
  });

  it('says what to do when there is nothing to show', async () => {
    mount({
      trends: (days) => trends({ days, daily: [trendDay()], weeks: [], targets: [], uptime: [] }),
      dora: (days) =>
        doraReport({
          days,
          deploys: [],
          incidents: [],
          frequency: { deploys: 0, deploy_days: 0, per_week: 0, band: 'none', definition: 'd' },
        }),
    });
    await settle();
    expect(screen.getByTestId('dora-empty').textContent).toContain('No production deploys in the last 30 days: deploy with eightfold deploy production');
    expect(within(screen.getByTestId('chart-duration')).getByTestId('chart-empty').textContent).toContain('No finished runs in the last 30 days');
    expect(within(screen.getByTestId('chart-deploys')).getByTestId('chart-empty').textContent).toContain('No deploys in the last 30 days');
    expect(screen.getByTestId('uptime-empty').textContent).toContain('No health check results in the last 30 days');
  });

  it('lists the incidents of the period under the charts, and takes an updated one', async () => {
    const incident: IncidentInfo = {
      id: 3, kind: 'check_down', title: 'target:production is DOWN: status 503', target: 'production', check: 'target:production',
      started: '2026-03-15T08:00:00.000Z', resolved: '', duration_ms: 0, deploy_id: 43, deploy_version: '1.2.0', note: '',
      root_cause: '', root_cause_subject: '', card_id: 0, card_key: '',
    };
    const { go } = mount({ incidents: () => [incident] });
    await settle();
    const section = screen.getByTestId('monitor-incidents');
    expect(within(section).getAllByTestId('incident').map((li) => li.dataset.id)).toEqual(['3']);
    go.emit('incident.updated', { ...incident, id: 4 });
    await settle();
    expect(within(section).getAllByTestId('incident').map((li) => li.dataset.id)).toEqual(['4', '3']);
  });

  it('says there is no production target when the report counts none', async () => {
    mount({ dora: (days) => doraReport({ days, targets: [], deploys: [] }) });
    await settle();
    expect(screen.getByTestId('dora-empty').textContent).toContain('No production target');
  });

  it('shows why the DORA figures failed and still shows the trends', async () => {
    mount({
      dora: () => {
        throw { code: 'internal', message: 'database is locked' };
      },
    });
    await settle();
    expect(screen.getByTestId('dora-error').textContent).toContain('database is locked');
    expect(screen.getByTestId('chart-duration')).toBeTruthy();
  });

  it('loads again once after a burst of run, deploy and check events, not for a running deploy', async () => {
    vi.useFakeTimers();
    try {
      const { go } = mount();
      await vi.advanceTimersByTimeAsync(0);
      expect(go.calls).toHaveLength(3);
      go.emit('deploy.updated', deployInfo({ status: 'running' }));
      await vi.advanceTimersByTimeAsync(REFRESH_DEBOUNCE_MS * 2);
      expect(go.calls).toHaveLength(3);
      go.emit('run.finished', run({ id: 9, status: 'passed' }));
      go.emit('deploy.updated', deployInfo({ status: 'succeeded' }));
      go.emit('check.updated', { name: 'target:staging', url: '', state: 'DOWN', since: '', status: 503, took_ms: 3, reason: '', uptime_7d: 1 });
      await vi.advanceTimersByTimeAsync(REFRESH_DEBOUNCE_MS - 1);
      expect(go.calls).toHaveLength(3);
      await vi.advanceTimersByTimeAsync(1);
      expect(go.calls.slice(3).map((c) => c.method)).toEqual(['Trends', 'Dora', 'Incidents']);
    } finally {
      vi.useRealTimers();
    }
  });
});
