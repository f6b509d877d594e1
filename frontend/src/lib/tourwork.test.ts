import { describe, expect, it } from 'vitest';
import { FakeGo, deployInfo, releaseInfo, run } from '../testing/fake';
import { TOUR_WORK, WorkStopped, breakHealth, deployStaging, incidentCard, promoteProduction, runAndRelease, startRun, type WorkContext } from './tourwork';
import type { IncidentInfo, RunInfo } from './types';

type Handlers = ConstructorParameters<typeof FakeGo>[0];

const conflict = { code: 'conflict', message: 'a run is going' };

function setup(handlers: Handlers, over: Partial<WorkContext> = {}) {
  const go = new FakeGo(handlers);
  const said: string[] = [];
  const ctx: WorkContext = { api: go.api(), say: (t) => said.push(t), pollMs: 1, timeoutMs: 5000, settleMs: 5000, ...over };
  const methods = () => go.calls.map((c) => c.method);
  return { go, ctx, said, methods };
}

/** Stands for a refusal (conflict) in answers. */
const REFUSED = Symbol('refused');

/** Stands for another refusal in answers. */
class Refusal {
  constructor(readonly body: { code: string; message: string }) {}
}
const REFUSED_WITH = (body: { code: string; message: string }) => new Refusal(body);

/** Answers from a list, one a call, the last one again and again. */
function answers<T>(...list: (T | typeof REFUSED | Refusal)[]): () => T | Promise<never> {
  let i = 0;
  return () => {
    const a = list[Math.min(i++, list.length - 1)];
    if (a instanceof Refusal) return Promise.reject(a.body);
    return a === REFUSED ? Promise.reject(conflict) : a;
  };
}

function incident(over: Partial<IncidentInfo> = {}): IncidentInfo {
  return {
    id: 1,
    kind: 'deploy_failed',
    title: 'Deploy #4 of 0.1.1 to staging failed its health check',
    target: 'staging',
    check: '',
    started: '2026-03-20T14:05:00Z',
    resolved: '',
    duration_ms: 0,
    deploy_id: 4,
    deploy_version: '0.1.1',
    note: '',
    root_cause: '',
    root_cause_subject: '',
    card_id: 0,
    card_key: '',
    ...over,
  };
}

const RELEASE_ARGS = [{ bump: '', dry_run: false, allow_dirty: false }];

describe('startRun', () => {
  it('waits while another run goes on, then starts one', async () => {
    let tries = 0;
    const { ctx, said, methods } = setup({
      StartRun: () => (++tries < 3 ? Promise.reject(conflict) : run({ id: 8, status: 'running' })),
    });
    expect((await startRun(ctx)).id).toBe(8);
    expect(methods()).toEqual(['StartRun', 'StartRun', 'StartRun']);
    expect(said).toContain('Waiting for the run going on to end…');
  });

  it('tries again as soon as the run going on finishes', async () => {
    let tries = 0;
    const { go, ctx } = setup({ StartRun: () => (++tries < 2 ? Promise.reject(conflict) : run({ id: 8, status: 'running' })) }, { pollMs: 60_000 });
    const started = startRun(ctx);
    await new Promise((r) => setTimeout(r, 5));
    go.emit('run.finished', run({ id: 7, status: 'passed' }));
    expect((await started).id).toBe(8);
  });

  it('gives up on any other refusal at once', async () => {
    const { ctx, methods } = setup({ StartRun: () => Promise.reject({ code: 'no_project', message: 'No project is open.' }) });
    await expect(startRun(ctx)).rejects.toThrow('No project is open.');
    expect(methods()).toEqual(['StartRun']);
  });
});

describe('runAndRelease', () => {
  it('starts a full run, waits for it to pass, then releases from the commits', async () => {
    const { ctx, said, go, methods } = setup({
      StartRun: answers(REFUSED, run({ id: 5, status: 'running' })),
      GetRun: answers(run({ id: 5, status: 'running' }), run({ id: 5, status: 'passed' })),
      Release: () => releaseInfo({ version: '0.1.0' }),
    });
    expect((await runAndRelease(ctx)).version).toBe('0.1.0');
    expect(methods()).toEqual(['StartRun', 'StartRun', 'GetRun', 'GetRun', 'Release']);
    expect(go.calls.at(-1)!.args).toEqual(RELEASE_ARGS);
    expect(said).toEqual(['Starting a full run…', 'Waiting for the run going on to end…', 'Run #5 is going…', 'Run #5 passed: releasing…']);
  });

  it('follows run.finished for its run (not another) rather than waiting for the next poll', async () => {
    const { go, ctx } = setup(
      { StartRun: () => run({ id: 5, status: 'running' }), GetRun: () => run({ id: 5, status: 'running' }), Release: () => releaseInfo() },
      { pollMs: 60_000 },
    );
    const done = runAndRelease(ctx);
    await new Promise((r) => setTimeout(r, 5));
    go.emit('run.finished', run({ id: 4, status: 'failed' }));
    go.emit('run.finished', run({ id: 5, status: 'passed' }));
    await expect(done).resolves.toEqual(releaseInfo());
  });

  it.each<[string, Partial<RunInfo>, RegExp]>([
    ['red', { status: 'failed' }, /^Run #5 failed; nothing was released\.$/],
    ['cancelled', { status: 'cancelled' }, /^Run #5 cancelled; nothing was released\.$/],
    ['broken config', { status: 'error', error: 'eightfold.yaml:3:1: unknown key' }, /^Run #5 error: eightfold\.yaml:3:1: unknown key; nothing/],
  ])('stops before the release when the run ends %s', async (_, ended, want) => {
    const { ctx, methods } = setup({
      StartRun: () => run({ id: 5, status: 'running' }),
      GetRun: () => run({ id: 5, ...ended }),
      Release: () => releaseInfo(),
    });
    await expect(runAndRelease(ctx)).rejects.toThrow(want);
    expect(methods()).not.toContain('Release');
  });

  it('runs again once when another run came after ours and the release was refused', async () => {
    const refused = { code: 'conflict', message: 'a run is in progress' };
    const { ctx, said, methods } = setup({
      StartRun: answers(run({ id: 5, status: 'running' }), run({ id: 7, status: 'running' })),
      GetRun: (id) => run({ id: id as number, status: 'passed' }),
      Release: answers(REFUSED_WITH(refused), releaseInfo({ version: '0.1.1' })),
      Runs: () => [run({ id: 6, trigger: 'change', status: 'running' })],
    });
    expect((await runAndRelease(ctx)).version).toBe('0.1.1');
    expect(methods()).toEqual(['StartRun', 'GetRun', 'Release', 'Runs', 'StartRun', 'GetRun', 'Release']);
    expect(said).toContain('Another run came after ours: running again…');
  });

  it.each([
    ['when no other run came', [run({ id: 5 })], 1],
    ['the second time', [run({ id: 9 })], 2],
  ])('shows a refused release %s', async (_, runs, releases) => {
    let n = 0;
    const { ctx, methods } = setup({
      StartRun: () => run({ id: 5 + 4 * n++, status: 'running' }),
      GetRun: (id) => run({ id: id as number, status: 'passed' }),
      Release: () => Promise.reject({ code: 'conflict', message: 'nothing to release' }),
      Runs: () => runs,
    });
    await expect(runAndRelease(ctx)).rejects.toThrow('nothing to release');
    expect(methods().filter((m) => m === 'Release')).toHaveLength(releases);
  });

  it('takes a run over at once (a config that does not load) without asking again', async () => {
    const { ctx, methods } = setup({ StartRun: () => run({ id: 5, status: 'error', error: 'no steps' }) });
    await expect(runAndRelease(ctx)).rejects.toThrow('Run #5 error: no steps');
    expect(methods()).toEqual(['StartRun']);
  });

  it('gives up on a run that goes on too long, and stops when asked to', async () => {
    const going = { StartRun: () => run({ id: 5, status: 'running' }), GetRun: () => run({ id: 5, status: 'running' }) };
    await expect(runAndRelease(setup(going, { timeoutMs: 20 }).ctx)).rejects.toThrow('Run #5 is still going after 0 s.');
    const abort = new AbortController();
    const done = runAndRelease(setup(going, { signal: abort.signal, pollMs: 60_000 }).ctx);
    await new Promise((r) => setTimeout(r, 5));
    abort.abort();
    await expect(done).rejects.toBeInstanceOf(WorkStopped);
  });
});

describe('deploys', () => {
  it('deploy to staging: waits for the deploy to end', async () => {
    const { ctx, go, methods } = setup({
      StartDeploy: () => deployInfo({ id: 9, status: 'running', version: '0.1.0' }),
      GetDeploy: answers(deployInfo({ id: 9, status: 'running' }), deployInfo({ id: 9, status: 'running' }), deployInfo({ id: 9, status: 'succeeded' })),
    });
    expect((await deployStaging(ctx)).status).toBe('succeeded');
    expect(go.calls[0].args).toEqual([{ target: 'staging', release: '', force_unlock: false, confirm: false }]);
    expect(methods()).toEqual(['StartDeploy', 'GetDeploy', 'GetDeploy', 'GetDeploy']);
  });

  it('deploy to staging: ends with its deploy.updated end', async () => {
    const { ctx, go } = setup(
      { StartDeploy: () => deployInfo({ id: 9, status: 'running' }), GetDeploy: () => deployInfo({ id: 9, status: 'running' }) },
      { pollMs: 60_000 },
    );
    const done = deployStaging(ctx);
    await new Promise((r) => setTimeout(r, 5));
    go.emit('deploy.updated', deployInfo({ id: 9, status: 'running', uploaded: 3 }));
    go.emit('deploy.updated', deployInfo({ id: 8, status: 'succeeded' }));
    let ended = false;
    void done.then(() => (ended = true));
    await new Promise((r) => setTimeout(r, 5));
    expect(ended).toBe(false);
    go.emit('deploy.updated', deployInfo({ id: 9, status: 'succeeded' }));
    expect((await done).id).toBe(9);
  });

  it('deploy to staging: a failed deploy is the error shown', async () => {
    const { ctx } = setup({
      StartDeploy: () => deployInfo({ id: 9, status: 'running', version: '0.1.0' }),
      GetDeploy: () => deployInfo({ id: 9, status: 'failed', version: '0.1.0', failure: 'health check: 503' }),
    });
    await expect(deployStaging(ctx)).rejects.toThrow('Deploy #9 of 0.1.0 to staging failed: health check: 503.');
  });

  it('promote: staging to production, confirmed by the click, waits for its end', async () => {
    const { ctx, go } = setup({
      StartPromote: () => deployInfo({ id: 11, target: 'production', kind: 'promote', status: 'running' }),
      GetDeploy: answers(deployInfo({ id: 11, status: 'running' }), deployInfo({ id: 11, target: 'production', status: 'succeeded' })),
    });
    expect((await promoteProduction(ctx)).status).toBe('succeeded');
    expect(go.calls[0]).toEqual({ method: 'StartPromote', args: ['staging', 'production', true, false] });
  });

  it('promote: a failure is the error shown', async () => {
    const { ctx } = setup({
      StartPromote: () => deployInfo({ id: 11, status: 'running', version: '' }),
      GetDeploy: () => deployInfo({ id: 11, status: 'failed', version: '0.1.0', failure: 'locked' }),
    });
    await expect(promoteProduction(ctx)).rejects.toThrow('Deploy #11 of 0.1.0 to production failed: locked.');
  });
});

describe('breakHealth', () => {
  const flow = (deployed: 'failed' | 'succeeded', watched = true) => {
    let go: FakeGo;
    const s = setup({
      WatchState: () => (watched ? { watching: true, dirs: 3, auto: true, pending: 0, loop: '', error: '' } : Promise.reject(conflict)),
      // The commit starts the watcher's run a moment later; ours waits for it.
      DemoEdit: () => void setTimeout(() => go.emit('run.started', run({ id: 6, trigger: 'change', status: 'running' })), 5),
      StartRun: answers(REFUSED, run({ id: 7, status: 'running' })),
      GetRun: () => run({ id: 7, status: 'passed' }),
      Release: () => releaseInfo({ version: '0.1.1' }),
      StartDeploy: () => deployInfo({ id: 4, status: 'running', version: '0.1.1' }),
      GetDeploy: () => deployInfo({ id: 4, status: deployed, version: '0.1.1', failure: deployed === 'failed' ? 'health: 503' : '' }),
    });
    go = s.go;
    return s;
  };

  it('commits the break, lets the watcher’s run go first, runs, releases and deploys; the gate’s failure is the outcome', async () => {
    const { ctx, methods, go } = flow('failed');
    const d = await breakHealth(ctx);
    expect(d.status).toBe('failed');
    expect(methods()).toEqual(['WatchState', 'DemoEdit', 'StartRun', 'StartRun', 'GetRun', 'Release', 'StartDeploy', 'GetDeploy']);
    expect(go.calls[1].args).toEqual(['break-health', false]);
  });

  it('does not wait for a watcher that does not run', async () => {
    const { ctx } = flow('failed', false);
    const t = Date.now();
    await breakHealth({ ...ctx, settleMs: 60_000 });
    expect(Date.now() - t).toBeLessThan(2000);
  });

  it('a deploy that passes its gate is the error', async () => {
    const { ctx } = flow('succeeded');
    await expect(breakHealth(ctx)).rejects.toThrow('Deploy #4 of 0.1.1 to staging passed its health gate: health is not broken.');
  });
});

describe('incidentCard', () => {
  it('makes a card of the newest incident without one', async () => {
    const { ctx, go } = setup({
      Incidents: () => [incident({ id: 5, card_id: 2, card_key: '#2' }), incident({ id: 4 }), incident({ id: 3 })],
      IncidentCard: (id) => ({ id: 9, key: '#9', title: `Incident ${id}` }),
    });
    await incidentCard(ctx);
    expect(go.calls).toEqual([
      { method: 'Incidents', args: [7] },
      { method: 'IncidentCard', args: [4] },
    ]);
  });

  it('shows the newest one’s card when every incident has one', async () => {
    const { ctx, go } = setup({ Incidents: () => [incident({ id: 5, card_id: 2 }), incident({ id: 4, card_id: 1 })], IncidentCard: () => ({}) });
    await incidentCard(ctx);
    expect(go.calls.at(-1)).toEqual({ method: 'IncidentCard', args: [5] });
  });

  it('says so when there is no incident', async () => {
    const { ctx, methods } = setup({ Incidents: () => null });
    await expect(incidentCard(ctx)).rejects.toThrow('No incident in the last 7 days: break health first.');
    expect(methods()).toEqual(['Incidents']);
  });
});

describe('the demo edits', () => {
  it('break the test, and undo it', async () => {
    const { ctx, go } = setup({ DemoEdit: () => undefined });
    await TOUR_WORK['break-test'](ctx);
    await TOUR_WORK['undo-break-test'](ctx);
    expect(go.calls.map((c) => c.args)).toEqual([
      ['break-test', false],
      ['break-test', true],
    ]);
  });
});
