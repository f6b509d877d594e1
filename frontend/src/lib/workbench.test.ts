import { describe, expect, it } from 'vitest';
import { FakeGo, project, run, step, watchState } from '../testing/fake';
import { Workbench } from './workbench.svelte';

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('Workbench', () => {
  it('keeps the fresher copy of a run whatever order copies arrive in', () => {
    const wb = new Workbench(new FakeGo({}).api());
    const later = run({ id: 1, status: 'running', steps: [step({ id: 1, status: 'passed' }), step({ id: 2, status: 'running' })] });
    const earlier = run({ id: 1, status: 'running', steps: [step({ id: 1, status: 'running' }), step({ id: 2, status: 'pending' })] });
    wb.upsert(later);
    wb.upsert(earlier);
    expect(wb.runs).toEqual([later]);
    const done = run({ id: 1, status: 'passed' });
    wb.upsert(done);
    expect(wb.runs).toEqual([done]);
  });

  it('keeps runs newest first', () => {
    const wb = new Workbench(new FakeGo({}).api());
    wb.upsert(run({ id: 2 }));
    wb.upsert(run({ id: 3 }));
    wb.upsert(run({ id: 1 }));
    expect(wb.runs.map((r) => r.id)).toEqual([3, 2, 1]);
  });

  it('merges runs that events brought while the list was loading', async () => {
    let answer: (runs: unknown) => void = () => {};
    const go = new FakeGo({ Project: () => project(), Runs: () => new Promise((r) => (answer = r)) });
    const wb = new Workbench(go.api());
    wb.start();
    go.emit('run.started', run({ id: 7, status: 'running' }));
    answer([run({ id: 6 })]);
    await settle();
    expect(wb.runs.map((r) => r.id)).toEqual([7, 6]);
    expect(wb.runsLoaded).toBe(true);
  });

  it('fetches a run that is not in the list when it is selected', async () => {
    const go = new FakeGo({ GetRun: (id) => run({ id: Number(id) }) });
    const wb = new Workbench(go.api());
    await wb.selectRun(99);
    expect(wb.selectedRun?.id).toBe(99);
  });

  it('forgets a selection that does not exist', async () => {
    const go = new FakeGo({
      GetRun: () => {
        throw { code: 'not_found', message: 'no run 99' };
      },
    });
    const wb = new Workbench(go.api());
    await wb.selectRun(99);
    expect(wb.selectedRunId).toBeNull();
    expect(wb.notices.map((n) => n.message)).toEqual(['no run 99']);
  });

  it('keeps only the latest few notices', () => {
    const wb = new Workbench(new FakeGo({}).api());
    for (let i = 0; i < 8; i++) wb.report(`error ${i}`);
    expect(wb.notices.map((n) => n.message)).toEqual(['error 3', 'error 4', 'error 5', 'error 6', 'error 7']);
  });
});

describe('Workbench watch state', () => {
  it('loads the watch state and follows watch.state events', async () => {
    const go = new FakeGo({ Project: () => project(), Runs: () => [], WatchState: () => watchState({ dirs: 3 }) });
    const wb = new Workbench(go.api());
    wb.start();
    await settle();
    expect(wb.watch).toEqual(watchState({ dirs: 3 }));
    go.emit('watch.state', watchState({ dirs: 4, pending: 2 }));
    expect(wb.watch?.pending).toBe(2);
  });

  it('keeps an event that arrives before a slower WatchState reply', async () => {
    let answer: (s: unknown) => void = () => {};
    const go = new FakeGo({ Project: () => project(), Runs: () => [], WatchState: () => new Promise((r) => (answer = r)) });
    const wb = new Workbench(go.api());
    wb.start();
    go.emit('watch.state', watchState({ auto: false }));
    answer(watchState({ auto: true }));
    await settle();
    expect(wb.watch?.auto).toBe(false);
  });

  it('moves the switch at once and back when Go refuses', async () => {
    const go = new FakeGo({
      SetAutoRun: () => {
        throw { code: 'conflict', message: '/home/dev/demo is not being watched' };
      },
    });
    const wb = new Workbench(go.api());
    wb.start();
    go.emit('watch.state', watchState({ auto: true }));
    const pending = wb.setAutoRun(false);
    expect(wb.watch?.auto).toBe(false);
    await pending;
    expect(wb.watch?.auto).toBe(true);
    expect(go.calls.find((c) => c.method === 'SetAutoRun')?.args).toEqual([false]);
    expect(wb.notices.at(-1)).toMatchObject({ code: 'conflict', message: '/home/dev/demo is not being watched' });
  });

  it('shows a dismissed loop warning again only when a new loop is detected', () => {
    const go = new FakeGo({});
    const wb = new Workbench(go.api());
    wb.start();
    const loop = 'Auto-run paused: the last 3 runs were started by files the pipeline itself writes (out/gen.go).';
    go.emit('watch.state', watchState({ auto: false, loop }));
    expect(wb.loopWarning).toBe(loop);
    wb.dismissLoop();
    expect(wb.loopWarning).toBe('');
    go.emit('watch.state', watchState({ auto: false, loop, pending: 1 }));
    expect(wb.loopWarning).toBe('');
    go.emit('watch.state', watchState({ auto: true }));
    go.emit('watch.state', watchState({ auto: false, loop }));
    expect(wb.loopWarning).toBe(loop);
  });

  it('goes where a route says, and forgets the open test when another run is picked', async () => {
    const wb = new Workbench(new FakeGo({ GetRun: (id) => run({ id: id as number }) }).api());
    wb.upsert(run({ id: 4 }));
    await wb.navigate({ place: 'build', runId: 4, tab: 'tests', resultId: 40 });
    expect([wb.selectedRunId, wb.runTab, wb.selectedResultId, wb.flakyView]).toEqual([4, 'tests', 40, false]);

    await wb.selectRun(4);
    expect(wb.selectedResultId).toBe(40);
    await wb.selectRun(3);
    expect([wb.selectedRunId, wb.runTab, wb.selectedResultId]).toEqual([3, 'tests', null]);

    wb.selectResult(null);
    wb.runTab = 'steps';
    wb.selectResult(31);
    expect([wb.runTab, wb.selectedResultId]).toEqual(['tests', 31]);

    await wb.navigate({ place: 'build', runId: null, flaky: true });
    expect([wb.selectedRunId, wb.selectedResultId, wb.flakyView, wb.runTab]).toEqual([null, null, true, null]);
    await wb.navigate({ place: 'plan', runId: null, flaky: true });
    expect(wb.flakyView).toBe(false);
  });
});
