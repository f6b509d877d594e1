import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { beforeEach, describe, expect, it } from 'vitest';
import { RingState } from '../lib/ring.svelte';
import { statusInfo } from '../lib/ring.fixtures';
import { tourKey } from '../lib/tour';
import { TourState } from '../lib/tour.svelte';
import { TOUR_WORK, type WorkContext } from '../lib/tourwork';
import type { PlaceId } from '../lib/types';
import { Workbench } from '../lib/workbench.svelte';
import { FakeGo, project, run } from '../testing/fake';
import LoopRing from './LoopRing.svelte';
import Tour from './Tour.svelte';
import TourButton from './TourButton.svelte';

const settle = async () => {
  await new Promise((r) => setTimeout(r, 0));
  await tick();
};

function mount(demo: boolean, handlers: ConstructorParameters<typeof FakeGo>[0] = {}, work: Partial<typeof TOUR_WORK> = {}) {
  const go = new FakeGo({ DemoEdit: () => undefined, ...handlers });
  const opened: PlaceId[] = [];
  const tour = new TourState(go.api(), localStorage, undefined, { open: (p) => opened.push(p), work: { ...TOUR_WORK, ...work } });
  tour.start();
  tour.open(project({ path: '/srv/shop', demo }));
  render(Tour, { tour });
  render(TourButton, { tour });
  return { go, tour, opened };
}

/** A piece of work that ends when told to. */
function held() {
  let end: (err?: unknown) => void = () => {};
  const ctxs: WorkContext[] = [];
  const fn = (ctx: WorkContext) => {
    ctxs.push(ctx);
    ctx.say?.('Run #5 is going…');
    return new Promise<void>((res, rej) => (end = (err) => (err ? rej(err) : res())));
  };
  return { fn, ctxs, end: (err?: unknown) => end(err) };
}

const key = (k: string, target: Element = document.body) => fireEvent.keyDown(target, { key: k });

const panel = () => screen.queryByTestId('tour');
const saved = () => JSON.parse(localStorage.getItem(tourKey('/srv/shop')) ?? 'null');

beforeEach(() => localStorage.clear());

describe('Tour', () => {
  it('offers itself in a demo project, docked, and leads through a step', async () => {
    const { go } = mount(true);
    await tick();
    expect(panel()!.dataset.step).toBe('plan');
    expect(panel()!.textContent).toContain('1 of 10');
    expect(screen.getByTestId('tour-hint').textContent).toBe('PgDn do it / next · PgUp back');
    expect(within(panel()!).queryByTestId('tour-work')).toBeNull();

    await fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(panel()!.dataset.step).toBe('code');
    expect(screen.getByTestId('tour-state').textContent).toContain('Waiting for the change to start a run');
    await fireEvent.click(screen.getByRole('button', { name: 'Break a test' }));
    await settle();
    expect(go.calls.filter((c) => c.method === 'DemoEdit').map((c) => c.args)).toEqual([['break-test', false]]);

    go.emit('run.started', run({ trigger: 'change' }));
    await tick();
    expect(screen.getByTestId('tour-state').textContent).toContain('✓ The change started a run.');
    expect(saved()).toEqual({ status: 'running', step: 1, done: ['code'], started: ['code'] });
  });

  it('opens each step’s place as it is shown: a fresh demo’s first, then by Next, Back and a restart', async () => {
    const { tour, opened } = mount(true);
    expect(opened).toEqual(['plan']);
    await fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    for (let i = 0; i < 3; i++) tour.dispatch({ kind: 'next' });
    await fireEvent.click(screen.getByRole('button', { name: 'Back' }));
    expect(opened).toEqual(['plan', 'build', 'build', 'build', 'release', 'build']);
    await fireEvent.click(screen.getByTestId('tour-button'));
    expect(opened.at(-1)).toBe('plan');
    // Events and the work open nothing; nor does the end.
    const n = opened.length;
    tour.dispatch({ kind: 'event', topic: 'run.started', payload: run({ trigger: 'change' }) });
    for (let i = 0; i < tour.steps.length; i++) tour.dispatch({ kind: 'next' });
    expect(opened.length).toBe(n + tour.steps.length - 1);
    expect(tour.progress!.status).toBe('finished');
  });

  it('opens nothing for progress kept from before', async () => {
    localStorage.setItem(tourKey('/srv/shop'), JSON.stringify({ status: 'running', step: 4, done: [], started: [] }));
    const { opened } = mount(true);
    expect(panel()!.dataset.step).toBe('release');
    expect(opened).toEqual([]);
  });

  it('drives the loop with a clicker: PageDown does the work, then moves on; PageUp goes back', async () => {
    const { go, opened } = mount(true);
    await key('PageDown'); // plan: nothing to do
    expect(panel()!.dataset.step).toBe('code');
    await key('PageDown'); // code: the edit
    await settle();
    expect(go.calls.filter((c) => c.method === 'DemoEdit').map((c) => c.args)).toEqual([['break-test', false]]);
    expect(panel()!.dataset.step).toBe('code');
    await key('PageDown'); // started: Next
    expect(panel()!.dataset.step).toBe('fail');
    await key('PageUp');
    expect(panel()!.dataset.step).toBe('code');
    await key('PageDown'); // the edit was made: not again
    expect(panel()!.dataset.step).toBe('fail');
    await key('PageUp');
    expect(panel()!.dataset.step).toBe('code');
    expect(go.calls.filter((c) => c.method === 'DemoEdit')).toHaveLength(1);
    expect(opened).toEqual(['plan', 'build', 'build', 'build', 'build', 'build']);
  });

  it('leaves the arrow keys to the page (the plan board moves cards with them)', async () => {
    const { go } = mount(true);
    await key('PageDown'); // plan → code, whose edit is pending
    for (const k of ['ArrowRight', 'ArrowLeft']) {
      const e = new KeyboardEvent('keydown', { key: k, cancelable: true, bubbles: true });
      document.body.dispatchEvent(e);
      expect(e.defaultPrevented, k).toBe(false);
    }
    await settle();
    expect(panel()!.dataset.step).toBe('code');
    expect(go.calls.filter((c) => c.method === 'DemoEdit')).toHaveLength(0);
  });

  it('leaves the keys to text fields, and to the page once the tour is skipped', async () => {
    mount(true);
    const input = document.body.appendChild(document.createElement('input'));
    await key('PageDown', input);
    expect(panel()!.dataset.step).toBe('plan');
    await fireEvent.click(screen.getByRole('button', { name: 'Skip the tour' }));
    const e = new KeyboardEvent('keydown', { key: 'PageDown', cancelable: true, bubbles: true });
    document.body.dispatchEvent(e);
    expect(e.defaultPrevented).toBe(false);
    expect(saved().status).toBe('skipped');
    input.remove();
  });

  it('shows what the work is doing; a second press waits for it; a failure shows', async () => {
    const work = held();
    const { tour } = mount(true, {}, { 'run-and-release': work.fn });
    for (let i = 0; i < 4; i++) tour.dispatch({ kind: 'next' });
    await tick();
    expect(panel()!.dataset.step).toBe('release');
    expect(screen.getByRole('button', { name: 'Run and release' }).classList.contains('primary')).toBe(true);
    expect(panel()!.dataset.work).toBe('pending');
    await key('PageDown');
    await tick();
    expect(panel()!.dataset.work).toBe('busy');
    expect(work.ctxs).toHaveLength(1);
    expect(screen.getByTestId('tour-busy').textContent).toBe('Run #5 is going…');
    expect(screen.getByRole('button', { name: 'Run and release' })).toHaveProperty('disabled', true);
    const e = new KeyboardEvent('keydown', { key: 'PageDown', cancelable: true, bubbles: true });
    document.body.dispatchEvent(e);
    expect(e.defaultPrevented).toBe(true); // the page does not scroll either
    expect(panel()!.dataset.step).toBe('release');
    expect(work.ctxs).toHaveLength(1);

    work.end(new Error('Run #5 failed; nothing was released.'));
    await settle();
    expect(screen.getByTestId('tour-error').textContent).toBe('Run #5 failed; nothing was released.');
    expect(screen.queryByTestId('tour-busy')).toBeNull();
    expect(screen.getByTestId('tour-state').textContent).toContain('Waiting for a release');
    // The failed work counts as not started: the clicker tries it again, then moves on.
    expect(panel()!.dataset.work).toBe('pending');
    expect(saved().started).not.toContain('release');
    await key('PageDown');
    await tick();
    expect(panel()!.dataset.step).toBe('release');
    expect(work.ctxs).toHaveLength(2);
    work.end();
    await settle();
    expect(screen.queryByTestId('tour-error')).toBeNull();
    expect(panel()!.dataset.work).toBe('started');
    await key('PageDown');
    expect(panel()!.dataset.step).toBe('staging');
  });

  it('tries the work again with its button after a failure', async () => {
    const work = held();
    const { tour } = mount(true, {}, { 'run-and-release': work.fn });
    for (let i = 0; i < 4; i++) tour.dispatch({ kind: 'next' });
    await key('PageDown');
    work.end(new Error('Run #5 failed; nothing was released.'));
    await settle();
    await fireEvent.click(screen.getByRole('button', { name: 'Run and release' }));
    expect(work.ctxs).toHaveLength(2);
    expect(screen.queryByTestId('tour-error')).toBeNull();
    expect(panel()!.dataset.work).toBe('busy');
  });

  it('stops the work of a step it leaves by Next or Back; its failure shows nowhere', async () => {
    const work = held();
    const { tour } = mount(true, {}, { 'run-and-release': work.fn });
    for (let i = 0; i < 4; i++) tour.dispatch({ kind: 'next' });
    await key('PageDown');
    expect(tour.busy).toBe(true);
    await fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(work.ctxs[0].signal!.aborted).toBe(true);
    expect(tour.busy).toBe(false);
    expect(panel()!.dataset.step).toBe('staging');
    work.end(new Error('Run #5 failed; nothing was released.'));
    await settle();
    expect(screen.queryByTestId('tour-error')).toBeNull();
    expect(tour.error).toBe('');

    // Back: the release step's work was started and stopped, not failed; it stays started.
    await fireEvent.click(screen.getByRole('button', { name: 'Back' }));
    expect(panel()!.dataset.step).toBe('release');
    await fireEvent.click(screen.getByRole('button', { name: 'Run and release' }));
    expect(work.ctxs).toHaveLength(2);
    await fireEvent.click(screen.getByRole('button', { name: 'Back' }));
    expect(work.ctxs[1].signal!.aborted).toBe(true);
    expect(tour.busy).toBe(false);
  });

  it('stops waiting for its work when skipped', async () => {
    const work = held();
    const { tour } = mount(true, {}, { 'deploy-staging': work.fn });
    for (let i = 0; i < 5; i++) tour.dispatch({ kind: 'next' });
    await key('PageDown');
    expect(tour.busy).toBe(true);
    expect(work.ctxs[0].signal!.aborted).toBe(false);
    await fireEvent.click(screen.getByRole('button', { name: 'Skip the tour' }));
    expect(work.ctxs[0].signal!.aborted).toBe(true);
    expect(tour.busy).toBe(false);
    work.end(new Error('late'));
    await settle();
    expect(tour.error).toBe('');
  });

  it('stops its work when another project, or none, becomes current', async () => {
    const work = held();
    const { go, tour } = mount(true, {}, { 'run-and-release': work.fn });
    for (let i = 0; i < 4; i++) tour.dispatch({ kind: 'next' });
    await key('PageDown');
    go.emit('project.switched', { path: '/srv/shop', name: 'shop' }); // still this one: goes on
    expect(work.ctxs[0].signal!.aborted).toBe(false);
    go.emit('project.switched', { path: '/srv/other', name: 'other' });
    expect(work.ctxs[0].signal!.aborted).toBe(true);
    expect(tour.busy).toBe(false);
    work.end(new Error('Run #5 failed; nothing was released.'));
    await settle();
    expect(tour.error).toBe('');

    await fireEvent.click(screen.getByRole('button', { name: 'Run and release' }));
    expect(work.ctxs).toHaveLength(2);
    go.emit('project.switched', { path: '', name: '' });
    expect(work.ctxs[1].signal!.aborted).toBe(true);
  });

  it('runs and releases from the Release step', async () => {
    const { go, tour } = mount(true, {
      StartRun: () => run({ id: 5, status: 'running' }),
      GetRun: () => run({ id: 5, status: 'passed' }),
      Release: () => ({}),
    });
    for (let i = 0; i < 4; i++) tour.dispatch({ kind: 'next' });
    await tick();
    expect(panel()!.dataset.step).toBe('release');
    await fireEvent.click(screen.getByRole('button', { name: 'Run and release' }));
    for (let i = 0; i < 5 && !go.calls.some((c) => c.method === 'Release'); i++) await settle();
    expect(go.calls.map((c) => c.method)).toEqual(['StartRun', 'GetRun', 'Release']);
  });

  it('shows why an edit was refused', async () => {
    mount(true, { DemoEdit: () => Promise.reject({ code: 'bad_request', message: 'not made by `eightfold demo`' }) });
    await fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Break a test' }));
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
