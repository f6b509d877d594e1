import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { beforeEach, describe, expect, it } from 'vitest';
import { RingState } from '../lib/ring.svelte';
import { statusInfo } from '../lib/ring.fixtures';
import { tourKey } from '../lib/tour';
import { TourState } from '../lib/tour.svelte';
import { Workbench } from '../lib/workbench.svelte';
import { FakeGo, project, run } from '../testing/fake';
import LoopRing from './LoopRing.svelte';
import Tour from './Tour.svelte';
import TourButton from './TourButton.svelte';

const settle = async () => {
  await new Promise((r) => setTimeout(r, 0));
  await tick();
};

function mount(demo: boolean, handlers: ConstructorParameters<typeof FakeGo>[0] = {}) {
  const go = new FakeGo({ DemoEdit: () => undefined, ...handlers });
  const tour = new TourState(go.api(), localStorage);
  tour.start();
  tour.open(project({ path: '/srv/shop', demo }));
  render(Tour, { tour });
  render(TourButton, { tour });
  return { go, tour };
}

const panel = () => screen.queryByTestId('tour');
const saved = () => JSON.parse(localStorage.getItem(tourKey('/srv/shop')) ?? 'null');

beforeEach(() => localStorage.clear());

describe('Tour', () => {
  it('offers itself in a demo project, docked, and leads through a step', async () => {
    const { go } = mount(true);
    await tick();
    expect(panel()!.dataset.step).toBe('plan');
    expect(panel()!.textContent).toContain('1 of 10');
    expect(within(panel()!).getByRole('link', { name: 'Open the board' }).getAttribute('href')).toBe('#/plan');

    await fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(panel()!.dataset.step).toBe('code');
    expect(screen.getByTestId('tour-state').textContent).toContain('Waiting for the change to start a run');
    await fireEvent.click(screen.getByRole('button', { name: 'Make the edit' }));
    await settle();
    expect(go.calls.filter((c) => c.method === 'DemoEdit').map((c) => c.args)).toEqual([['break-test', false]]);

    go.emit('run.started', run({ trigger: 'change' }));
    await tick();
    expect(screen.getByTestId('tour-state').textContent).toContain('✓ The change started a run.');
    expect(saved()).toEqual({ status: 'running', step: 1, done: ['code'] });
  });

  it('starts a run from the Release step', async () => {
    const { go, tour } = mount(true, { StartRun: () => run({ status: 'running' }) });
    for (let i = 0; i < 4; i++) tour.dispatch({ kind: 'next' });
    await tick();
    expect(panel()!.dataset.step).toBe('release');
    await fireEvent.click(screen.getByRole('button', { name: 'Run the pipeline' }));
    await settle();
    expect(go.calls.filter((c) => c.method === 'StartRun')).toHaveLength(1);
  });

  it('shows why an edit was refused', async () => {
    mount(true, { DemoEdit: () => Promise.reject({ code: 'bad_request', message: 'not made by `eightfold demo`' }) });
    await fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Make the edit' }));
    await settle();
    expect(screen.getByTestId('tour-error').textContent).toBe('not made by `eightfold demo`');
  });

  it('is skipped with Esc or ×, stays skipped, and the Tour button starts it again', async () => {
    mount(true);
    await fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    await fireEvent.keyDown(screen.getByRole('button', { name: 'Next' }), { key: 'Escape' });
    expect(panel()).toBeNull();
    expect(saved().status).toBe('skipped');

    await fireEvent.click(screen.getByTestId('tour-button'));
    expect(panel()!.dataset.step).toBe('plan');
    await fireEvent.click(screen.getByRole('button', { name: 'Skip the tour' }));
    expect(panel()).toBeNull();
  });

  it('waits for the Tour button in a project the demo did not make', async () => {
    mount(false);
    await tick();
    expect(panel()).toBeNull();
    expect(screen.getByTestId('tour-button').getAttribute('aria-pressed')).toBe('false');
    await fireEvent.click(screen.getByTestId('tour-button'));
    expect(panel()!.dataset.step).toBe('plan');
    expect(screen.getByTestId('tour-button').getAttribute('aria-pressed')).toBe('true');
  });

  it('finishes after the last step', async () => {
    const { tour } = mount(true);
    for (let i = 0; i < tour.steps.length - 1; i++) tour.dispatch({ kind: 'next' });
    await tick();
    expect(panel()!.dataset.step).toBe('back');
    await fireEvent.click(screen.getByRole('button', { name: 'Finish' }));
    expect(panel()).toBeNull();
    expect(saved().status).toBe('finished');
  });
});

describe('LoopRing with the tour', () => {
  it('marks the tour’s stage', async () => {
    const go = new FakeGo({ Status: () => statusInfo() });
    const wb = new Workbench(go.api());
    render(LoopRing, { wb, ring: new RingState(go.api()), tourStage: 'release' });
    await settle();
    const marked = screen.getAllByTestId('ring-stage').filter((n) => n.classList.contains('tour'));
    expect(marked.map((n) => n.dataset.stage)).toEqual(['release']);
    expect(marked[0].querySelector('.tour-mark')).not.toBeNull();
  });
});
