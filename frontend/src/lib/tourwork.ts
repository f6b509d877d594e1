// The guided tour's work: what a step's button (or the presenter's clicker) does, so that the
// whole demo loop runs from the tour alone. Each piece is a short sequence of API calls that
// waits for what it started (a run, a deploy) by following its events, with polling as the
// safety net for an event missed; a refusal or a red outcome becomes an Error whose message the
// tour's panel shows.

import { toApiError, type Api } from './api';
import type { CardInfo, DeployInfo, EventMap, IncidentInfo, ReleaseInfo, RunInfo, Topic } from './types';

/** The tour's pieces of work, by name. */
export type TourWork =
  | 'break-test'
  | 'undo-break-test'
  | 'run-and-release'
  | 'deploy-staging'
  | 'break-health'
  | 'incident-card'
  | 'promote-production';

/** What a piece of work runs with. */
export interface WorkContext {
  api: Api;
  /** Says what the work is doing now, for the panel. */
  say?: (text: string) => void;
  /** Stops the waiting (what was started on the server goes on). */
  signal?: AbortSignal;
  /** Between two looks at a run or deploy, and between two tries of a refused run; ms. */
  pollMs?: number;
  /** The longest wait for a run or a deploy to end, or for a run going on to let ours start; ms. */
  timeoutMs?: number;
  /** How long a commit waits for the watcher's run of it to start; ms. */
  settleMs?: number;
}

const POLL_MS = 500;
const TIMEOUT_MS = 10 * 60_000;
const SETTLE_MS = 3000;

/** The newest releases are made from what the commits say. */
const RELEASE = { bump: '', dry_run: false, allow_dirty: false } as const;

/** Raised when the work was stopped (the tour skipped or restarted); not a failure to show. */
export class WorkStopped extends Error {
  constructor() {
    super('The tour stopped its work.');
    this.name = 'WorkStopped';
  }
}

function stopped(ctx: WorkContext): void {
  if (ctx.signal?.aborted) throw new WorkStopped();
}

/** Sleeps ms, or less when wake is called or the work is stopped. */
function nap(ctx: WorkContext, ms: number, onWake: (wake: () => void) => void = () => {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      ctx.signal?.removeEventListener('abort', abort);
      resolve();
    };
    const abort = () => {
      clearTimeout(timer);
      reject(new WorkStopped());
    };
    const timer = setTimeout(done, ms);
    ctx.signal?.addEventListener('abort', abort, { once: true });
    onWake(done);
  });
}

/**
 * Waits until get's answer, or an event of topic, is over; returns that. The event only
 * wakes the wait early: a missed one costs a poll, not the result.
 */
async function follow<T extends Topic>(
  ctx: WorkContext,
  what: string,
  topic: T,
  get: () => Promise<EventMap[T]>,
  over: (v: EventMap[T]) => boolean,
): Promise<EventMap[T]> {
  let heard: EventMap[T] | null = null;
  let wake: (() => void) | null = null;
  const off = ctx.api.on(topic, (p) => {
    if (!heard && over(p)) {
      heard = p;
      wake?.();
    }
  });
  try {
    const deadline = Date.now() + (ctx.timeoutMs ?? TIMEOUT_MS);
    for (;;) {
      stopped(ctx);
      if (heard) return heard;
      const v = await get();
      if (over(v)) return v;
      if (heard) return heard;
      if (Date.now() > deadline) throw new Error(`${what} is still going after ${Math.round((ctx.timeoutMs ?? TIMEOUT_MS) / 1000)} s.`);
      await nap(ctx, ctx.pollMs ?? POLL_MS, (w) => (wake = w));
      wake = null;
    }
  } finally {
    off();
  }
}

/** Starts a full run; while another run goes on (conflict), waits for it to end and tries again. */
export async function startRun(ctx: WorkContext): Promise<RunInfo> {
  const deadline = Date.now() + (ctx.timeoutMs ?? TIMEOUT_MS);
  for (;;) {
    stopped(ctx);
    try {
      return await ctx.api.StartRun();
    } catch (err) {
      const e = toApiError(err);
      if (e.code !== 'conflict' || Date.now() > deadline) throw e;
    }
    ctx.say?.('Waiting for the run going on to end…');
    let off = () => {};
    try {
      await nap(ctx, ctx.pollMs ?? POLL_MS, (wake) => (off = ctx.api.on('run.finished', wake)));
    } finally {
      off();
    }
  }
}

/** Waits for a run to end; returns it as it ended. */
export function runEnd(ctx: WorkContext, run: RunInfo): Promise<RunInfo> {
  return follow(ctx, `Run #${run.id}`, 'run.finished', () => (run.status === 'running' ? ctx.api.GetRun(run.id) : Promise.resolve(run)), (r) => r.id === run.id && r.status !== 'running');
}

/** Waits for a deploy, promotion or rollback to end; returns it as it ended. */
export function deployEnd(ctx: WorkContext, d: DeployInfo): Promise<DeployInfo> {
  return follow(ctx, `Deploy #${d.id}`, 'deploy.updated', () => (d.status === 'running' ? ctx.api.GetDeploy(d.id) : Promise.resolve(d)), (x) => x.id === d.id && x.status !== 'running');
}

/**
 * Runs the whole pipeline and, once it is green, releases HEAD; a run that is not green stops
 * before the release. A release refused because another run came after ours (the watcher's,
 * of a change it saw late) is tried once more from a new run.
 */
export async function runAndRelease(ctx: WorkContext): Promise<ReleaseInfo> {
  for (let attempt = 1; ; attempt++) {
    ctx.say?.(attempt === 1 ? 'Starting a full run…' : 'Another run came after ours: running again…');
    const started = await startRun(ctx);
    ctx.say?.(`Run #${started.id} is going…`);
    const run = await runEnd(ctx, started);
    if (run.status !== 'passed') {
      throw new Error(`Run #${run.id} ${run.status}${run.error ? `: ${run.error}` : ''}; nothing was released.`);
    }
    stopped(ctx);
    ctx.say?.(`Run #${run.id} passed: releasing…`);
    try {
      return await ctx.api.Release({ ...RELEASE });
    } catch (err) {
      const e = toApiError(err);
      if (e.code !== 'conflict' || attempt > 1) throw e;
      const [latest] = (await ctx.api.Runs(1).catch(() => null)) ?? [];
      if (!latest || latest.id === run.id) throw e;
    }
  }
}

/** Deploys the newest release to a target and waits for the deploy to end (succeeded or failed). */
export async function deployTo(ctx: WorkContext, target: string): Promise<DeployInfo> {
  ctx.say?.(`Deploying to ${target}…`);
  const d = await ctx.api.StartDeploy({ target, release: '', force_unlock: false, confirm: false });
  ctx.say?.(`Deploy #${d.id}${d.version ? ` of ${d.version}` : ''} to ${target} is going…`);
  return deployEnd(ctx, d);
}

function failed(d: DeployInfo, to: string): Error {
  return new Error(`Deploy #${d.id}${d.version ? ` of ${d.version}` : ''} to ${to} failed${d.failure ? `: ${d.failure}` : ''}.`);
}

/** Deploys the newest release to staging; a failed deploy is an error. */
export async function deployStaging(ctx: WorkContext): Promise<DeployInfo> {
  const d = await deployTo(ctx, 'staging');
  if (d.status !== 'succeeded') throw failed(d, 'staging');
  return d;
}

/**
 * Waits, up to settleMs, for the watcher to start its run of a change just made, so that our
 * full run comes after it (StartRun waits while it goes on) rather than racing it. Start it
 * before the change; it settles at once when the project is not watched or auto-run is off.
 */
async function watcherRun(ctx: WorkContext): Promise<() => Promise<void>> {
  const ws = await ctx.api.WatchState().catch(() => null);
  if (!ws?.watching || !ws.auto) return async () => {};
  let started = false;
  let wake: (() => void) | null = null;
  const off = ctx.api.on('run.started', (r) => {
    if (r.trigger === 'change') {
      started = true;
      wake?.();
    }
  });
  return async () => {
    try {
      if (!started) await nap(ctx, ctx.settleMs ?? SETTLE_MS, (w) => (wake = w));
    } finally {
      off();
    }
  };
}

/**
 * Breaks the shop's health (a commit whose tests all pass), runs and releases it, and deploys it
 * to staging, whose health gate fails: that failure is the outcome, returned; a deploy that
 * passes its gate is the error.
 */
export async function breakHealth(ctx: WorkContext): Promise<DeployInfo> {
  ctx.say?.('Committing the change that breaks /healthz…');
  const settled = await watcherRun(ctx);
  await ctx.api.DemoEdit('break-health', false);
  await settled();
  await runAndRelease(ctx);
  const d = await deployTo(ctx, 'staging');
  if (d.status === 'succeeded') throw new Error(`Deploy #${d.id} of ${d.version} to staging passed its health gate: health is not broken.`);
  return d;
}

/** Makes a card of the newest incident of the last 7 days without one (else shows the newest one's card). */
export async function incidentCard(ctx: WorkContext): Promise<CardInfo> {
  ctx.say?.('Looking for the incident…');
  const list: IncidentInfo[] = (await ctx.api.Incidents(7)) ?? [];
  const pick = list.find((i) => i.card_id === 0) ?? list[0];
  if (!pick) throw new Error('No incident in the last 7 days: break health first.');
  stopped(ctx);
  return ctx.api.IncidentCard(pick.id);
}

/** Promotes what staging runs to production (the tour's click is the confirmation); a failed promotion is an error. */
export async function promoteProduction(ctx: WorkContext): Promise<DeployInfo> {
  ctx.say?.('Promoting staging to production…');
  const started = await ctx.api.StartPromote('staging', 'production', true, false);
  ctx.say?.(`Deploy #${started.id}${started.version ? ` of ${started.version}` : ''} to production is going…`);
  const d = await deployEnd(ctx, started);
  if (d.status !== 'succeeded') throw failed(d, 'production');
  return d;
}

/** Each piece of work by its name. */
export const TOUR_WORK: Readonly<Record<TourWork, (ctx: WorkContext) => Promise<unknown>>> = {
  'break-test': (ctx) => ctx.api.DemoEdit('break-test', false),
  'undo-break-test': (ctx) => ctx.api.DemoEdit('break-test', true),
  'run-and-release': runAndRelease,
  'deploy-staging': deployStaging,
  'break-health': breakHealth,
  'incident-card': incidentCard,
  'promote-production': promoteProduction,
};
