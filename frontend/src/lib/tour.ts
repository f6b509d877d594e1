// The guided tour of the demo project (`eightfold demo`): ten steps around the loop that a
// presenter drives with one button (a clicker's PageDown): each step opens its place, does its
// own work (an edit of the demo, a run and a release, a deploy, …; lib/tourwork.ts), and
// points at a stage of the loop ring. A step that waits for something (a failing run, a
// release, a deploy) completes when its event arrives. Progress is kept per project.

import { typing } from './present';
import type { TourWork } from './tourwork';
import type { EventMap, PlaceId, StageId, Topic } from './types';

/** A step's work: its button's label and what it does. */
export interface TourAction {
  label: string;
  work: TourWork;
}

/** An event that completes a step, when its payload matches. */
export type TourWait = {
  [T in Topic]: { topic: T; matches: (payload: EventMap[T]) => boolean };
}[Topic];

/** A step of the tour. */
export interface TourStep {
  id: string;
  title: string;
  /** One or two short sentences for the presenter: what happens, what to look at. */
  text: string;
  /** The stage the ring highlights. */
  stage: StageId;
  /** The place opened when the step is shown. */
  place: PlaceId;
  /** The step's work; none: it is something to look at. */
  action?: TourAction;
  /** What completes the step; none: it is something to look at. */
  until?: TourWait;
  /** What the panel says while the step waits, and once it is done. */
  waiting?: string;
  done?: string;
}

const deployed = (target: string, status: 'succeeded' | 'failed'): TourWait => ({
  topic: 'deploy.updated',
  matches: (d) => d.target === target && d.kind !== 'rollback' && d.status === status,
});

/** The tour's steps, in order. */
export const TOUR: readonly TourStep[] = [
  {
    id: 'plan',
    title: 'Plan: the board',
    text: 'The shop’s cards: four followed the commits that mention them to Code. Open one to see its commits.',
    stage: 'plan',
    place: 'plan',
  },
  {
    id: 'code',
    title: 'Code: break a test',
    text: '“Break a test” changes one line of cart.go: orders of exactly 50.00 pay shipping again. Saving starts a run.',
    stage: 'code',
    place: 'build',
    action: { label: 'Break a test', work: 'break-test' },
    until: { topic: 'run.started', matches: (r) => r.trigger === 'change' },
    waiting: 'Waiting for the change to start a run…',
    done: 'The change started a run.',
  },
  {
    id: 'fail',
    title: 'Build & Test: watch it fail',
    text: 'The run builds the shop and runs its tests: TestTotal/exactly_50.00_ships_free fails.',
    stage: 'test',
    place: 'build',
    until: { topic: 'run.finished', matches: (r) => r.status === 'failed' },
    waiting: 'Waiting for the run to fail…',
    done: 'The run failed, as it should.',
  },
  {
    id: 'pass',
    title: 'Fix it: watch it pass',
    text: '“Undo the edit” puts cart.go back. The next run goes green, and the test shows as fixed.',
    stage: 'test',
    place: 'build',
    action: { label: 'Undo the edit', work: 'undo-break-test' },
    until: { topic: 'run.finished', matches: (r) => r.status === 'passed' },
    waiting: 'Waiting for a green run…',
    done: 'Green again.',
  },
  {
    id: 'release',
    title: 'Release',
    text: '“Run and release” runs the whole pipeline, then tags the green build: the version comes from the commits, the tested bin/shop is kept.',
    stage: 'release',
    place: 'release',
    action: { label: 'Run and release', work: 'run-and-release' },
    until: { topic: 'release.created', matches: (r) => !r.dry_run },
    waiting: 'Waiting for a release…',
    done: 'Released.',
  },
  {
    id: 'staging',
    title: 'Deploy to staging',
    text: '“Deploy to staging” copies the release, switches to it and starts it; it stays only once its health check answers.',
    stage: 'deploy',
    place: 'deploy',
    action: { label: 'Deploy to staging', work: 'deploy-staging' },
    until: deployed('staging', 'succeeded'),
    waiting: 'Waiting for a deploy to staging…',
    done: 'Staging runs the release and is healthy.',
  },
  {
    id: 'break-health',
    title: 'Operate: break health',
    text: '“Break health and deploy” commits a fix that makes /healthz answer 503 while every test passes, releases it and deploys it to staging.',
    stage: 'operate',
    place: 'deploy',
    action: { label: 'Break health and deploy', work: 'break-health' },
    until: deployed('staging', 'failed'),
    waiting: 'Waiting for the deploy to staging to fail…',
    done: 'The gate caught it: staging switched back, and an incident opened.',
  },
  {
    id: 'monitor',
    title: 'Monitor: the incident',
    text: 'Monitor lists the incident next to the DORA keys. “Make a card of the incident” puts it on the board.',
    stage: 'monitor',
    place: 'monitor',
    action: { label: 'Make a card of the incident', work: 'incident-card' },
    until: { topic: 'incident.updated', matches: (i) => i.card_id > 0 },
    waiting: 'Waiting for a card from the incident…',
    done: 'The incident has its card.',
  },
  {
    id: 'production',
    title: 'Promote to production',
    text: 'Staging switched back to the last good release on its own. Promote it: production gets the same bytes (this click confirms).',
    stage: 'deploy',
    place: 'deploy',
    action: { label: 'Promote staging to production', work: 'promote-production' },
    until: deployed('production', 'succeeded'),
    waiting: 'Waiting for production…',
    done: 'Production runs the good release.',
  },
  {
    id: 'back',
    title: 'Back to Plan',
    text: 'The incident’s card waits on the board: the loop starts again. Monitor now has production’s DORA keys.',
    stage: 'plan',
    place: 'plan',
  },
];

/** Where the tour is: running at a step, skipped, or finished. */
export interface TourProgress {
  status: 'running' | 'skipped' | 'finished';
  /** The step shown, an index of the steps. */
  step: number;
  /** The ids of the steps whose event came. */
  done: string[];
  /** The ids of the steps whose work was started (by its button or the clicker). */
  started: string[];
}

/**
 * What moves the tour: the presenter's buttons (work: the shown step's work starts), a step's
 * work failing (its step counts as not started again, so that the next press retries it), or
 * an event of the workbench.
 */
export type TourInput =
  | { kind: 'next' | 'back' | 'skip' | 'restart' | 'work' }
  | { kind: 'failed'; step: string }
  | { [T in Topic]: { kind: 'event'; topic: T; payload: EventMap[T] } }[Topic];

/** The topics the tour's steps wait for. */
export function tourTopics(steps: readonly TourStep[] = TOUR): Topic[] {
  return [...new Set(steps.flatMap((s) => (s.until ? [s.until.topic] : [])))];
}

/** Whether an event completes a step. */
export function completes(step: TourStep, input: TourInput & { kind: 'event' }): boolean {
  const w = step.until;
  return !!w && w.topic === input.topic && (w.matches as (p: unknown) => boolean)(input.payload);
}

/** A tour at its first step. */
export function startTour(): TourProgress {
  return { status: 'running', step: 0, done: [], started: [] };
}

/**
 * The tour after input. An event completes the step shown; once that step is done, or when it
 * waits for nothing, it may complete the next one instead, so that a run that ends before
 * the presenter clicks Next still counts for the step that watches it.
 */
export function tourReduce(p: TourProgress, input: TourInput, steps: readonly TourStep[] = TOUR): TourProgress {
  switch (input.kind) {
    case 'restart':
      return startTour();
    case 'skip':
      return { ...p, status: 'skipped' };
    case 'back':
      return { ...p, step: Math.max(0, p.step - 1) };
    case 'next':
      return p.step + 1 >= steps.length ? { ...p, status: 'finished' } : { ...p, step: p.step + 1 };
    case 'work': {
      const id = steps[p.step]?.id;
      return p.status !== 'running' || !id || p.started.includes(id) ? p : { ...p, started: [...p.started, id] };
    }
    case 'failed':
      return p.started.includes(input.step) ? { ...p, started: p.started.filter((id) => id !== input.step) } : p;
  }
  if (p.status !== 'running') return p;
  const here = steps[p.step];
  if (!here) return p;
  const hereDone = !here.until || p.done.includes(here.id);
  const step = hereDone ? steps[p.step + 1] : here;
  if (!step || p.done.includes(step.id) || !completes(step, input)) return p;
  return { ...p, done: [...p.done, step.id] };
}

/** Whether the shown step has work that was not started yet, and whose event has not come. */
export function workPending(p: TourProgress | null, steps: readonly TourStep[] = TOUR): boolean {
  const step = p?.status === 'running' ? steps[p.step] : undefined;
  return !!step?.action && !p!.started.includes(step.id) && !p!.done.includes(step.id);
}

/** What a key does to the tour: the step's work, Next, Back, or nothing while the work goes on. */
export type TourKeyCommand = 'work' | 'next' | 'back' | 'wait';

/** A key press, as much of it as the tour reads. */
export type TourKeyPress = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey' | 'defaultPrevented' | 'target'>;

/**
 * The clicker's keys while the tour runs and no text field has the focus: PageDown does
 * the step's work when it has work not yet started, else moves Next; while the work goes
 * on it waits (a second press does not run ahead of it). PageUp moves Back. The arrow keys
 * stay the page's (the plan board moves cards with them). A key with a modifier, or one a
 * control took already, is not the tour's.
 */
export function tourKeyCommand(e: TourKeyPress, s: { running: boolean; pending: boolean; busy: boolean }): TourKeyCommand | null {
  if (!s.running || e.ctrlKey || e.metaKey || e.altKey || e.shiftKey || e.defaultPrevented || typing(e.target)) return null;
  switch (e.key) {
    case 'PageDown':
      return s.busy ? 'wait' : s.pending ? 'work' : 'next';
    case 'PageUp':
      return 'back';
    default:
      return null;
  }
}

/** Where a project's progress is kept. */
export function tourKey(projectPath: string): string {
  return `eightfold.tour:${projectPath}`;
}

/**
 * A project's kept progress: what was saved, else a demo's tour from the start (offered once,
 * on first opening), else none.
 */
export function loadTour(storage: Storage | null, projectPath: string, demo: boolean, steps: readonly TourStep[] = TOUR): TourProgress | null {
  let saved: unknown = null;
  try {
    saved = JSON.parse(storage?.getItem(tourKey(projectPath)) ?? 'null');
  } catch {
    saved = null;
  }
  if (isProgress(saved, steps.length)) return { ...saved, started: saved.started ?? [] };
  return demo ? startTour() : null;
}

const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((d) => typeof d === 'string');

/** Kept progress; `started` may be missing (kept before steps had work). */
function isProgress(v: unknown, n: number): v is Omit<TourProgress, 'started'> & { started?: string[] } {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Partial<TourProgress>;
  return (
    (p.status === 'running' || p.status === 'skipped' || p.status === 'finished') &&
    Number.isInteger(p.step) &&
    p.step! >= 0 &&
    p.step! < n &&
    strings(p.done) &&
    (p.started === undefined || strings(p.started))
  );
}

/** Keeps a project's progress; storage that refuses only loses it. */
export function saveTour(storage: Storage | null, projectPath: string, p: TourProgress): void {
  try {
    storage?.setItem(tourKey(projectPath), JSON.stringify(p));
  } catch {
    // Kept for this page only.
  }
}
