// The guided tour of the demo project (`eightfold demo`): ten steps around the loop that the
// presenter clicks through, each pointing at a stage of the loop ring. A step that waits for
// something (a failing run, a release, a deploy) completes when its event arrives; the
// presenter moves on with Next whenever they like. Progress is kept per project.

import type { DemoEditName, EventMap, PlaceId, StageId, Topic } from './types';

/** What a step's button does: one of the tour's edits to the demo, start a run, or open a place. */
export type TourAction = { label: string } & ({ edit: DemoEditName; undo: boolean } | { run: true } | { place: PlaceId });

/** An event that completes a step, when its payload matches. */
export type TourWait = {
  [T in Topic]: { topic: T; matches: (payload: EventMap[T]) => boolean };
}[Topic];

/** A step of the tour. */
export interface TourStep {
  id: string;
  title: string;
  /** One or two sentences for the presenter: what to do or look at. */
  text: string;
  /** The stage the ring highlights. */
  stage: StageId;
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
    text: 'The board holds the shop’s cards: four followed the commits that mention them to Code. Open one to see its commits.',
    stage: 'plan',
    action: { label: 'Open the board', place: 'plan' },
  },
  {
    id: 'code',
    title: 'Code: break a test',
    text: 'Make orders of exactly 50.00 pay shipping again: “Make the edit” changes one line of cart.go (or change it yourself). Saving starts a run.',
    stage: 'code',
    action: { label: 'Make the edit', edit: 'break-test', undo: false },
    until: { topic: 'run.started', matches: (r) => r.trigger === 'change' },
    waiting: 'Waiting for the change to start a run…',
    done: 'The change started a run.',
  },
  {
    id: 'fail',
    title: 'Build & Test: watch it fail',
    text: 'The run builds the shop and runs its tests. TestTotal/exactly_50.00_ships_free fails: open the run to see the test and its output.',
    stage: 'test',
    action: { label: 'Open Build & Test', place: 'build' },
    until: { topic: 'run.finished', matches: (r) => r.status === 'failed' },
    waiting: 'Waiting for the run to fail…',
    done: 'The run failed, as it should.',
  },
  {
    id: 'pass',
    title: 'Fix it: watch it pass',
    text: 'Undo the edit (or fix cart.go yourself). The next run goes green, and the failing test shows as fixed.',
    stage: 'test',
    action: { label: 'Undo the edit', edit: 'break-test', undo: true },
    until: { topic: 'run.finished', matches: (r) => r.status === 'passed' },
    waiting: 'Waiting for a green run…',
    done: 'Green again.',
  },
  {
    id: 'release',
    title: 'Release',
    text: 'A release tags only code that had a full run (runs on save test only what changed): run the pipeline, then click Release on the ring. The version comes from the commits; the tag and the tested bin/shop are kept.',
    stage: 'release',
    action: { label: 'Run the pipeline', run: true },
    until: { topic: 'release.created', matches: (r) => !r.dry_run },
    waiting: 'Waiting for a release…',
    done: 'Released.',
  },
  {
    id: 'staging',
    title: 'Deploy to staging',
    text: 'Open Deploy and deploy the release to staging: it is copied, switched to and started, and kept only once its health check answers.',
    stage: 'deploy',
    action: { label: 'Open Deploy', place: 'deploy' },
    until: deployed('staging', 'succeeded'),
    waiting: 'Waiting for a deploy to staging…',
    done: 'Staging runs the release and is healthy.',
  },
  {
    id: 'break-health',
    title: 'Operate: break health',
    text: '“Break health” commits a fix: that makes /healthz answer 503 while every test passes. Press Run, release the green build and deploy it to staging: the health gate fails and staging switches back.',
    stage: 'operate',
    action: { label: 'Break health', edit: 'break-health', undo: false },
    until: deployed('staging', 'failed'),
    waiting: 'Waiting for the deploy to staging to fail…',
    done: 'The gate caught it: staging switched back, and an incident opened.',
  },
  {
    id: 'monitor',
    title: 'Monitor: the incident',
    text: 'Monitor lists the incident next to the DORA keys. Make a card from the incident: it goes to the board.',
    stage: 'monitor',
    action: { label: 'Open Monitor', place: 'monitor' },
    until: { topic: 'incident.updated', matches: (i) => i.card_id > 0 },
    waiting: 'Waiting for a card from the incident…',
    done: 'The incident has its card.',
  },
  {
    id: 'production',
    title: 'Roll back, then promote',
    text: 'Staging rolled back to the last good release on its own. Open Deploy and promote it to production: the same bytes that are healthy on staging.',
    stage: 'deploy',
    action: { label: 'Open Deploy', place: 'deploy' },
    until: deployed('production', 'succeeded'),
    waiting: 'Waiting for production…',
    done: 'Production runs the good release.',
  },
  {
    id: 'back',
    title: 'Back to Plan',
    text: 'The card made from the incident waits on the board: the loop starts again. Monitor now has production’s DORA keys.',
    stage: 'plan',
    action: { label: 'Open the board', place: 'plan' },
  },
];

/** Where the tour is: running at a step, skipped, or finished. */
export interface TourProgress {
  status: 'running' | 'skipped' | 'finished';
  /** The step shown, an index of the steps. */
  step: number;
  /** The ids of the steps whose event came. */
  done: string[];
}

/** What moves the tour: the presenter's buttons, or an event of the workbench. */
export type TourInput =
  | { kind: 'next' | 'back' | 'skip' | 'restart' }
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
  return { status: 'running', step: 0, done: [] };
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
  }
  if (p.status !== 'running') return p;
  const here = steps[p.step];
  if (!here) return p;
  const hereDone = !here.until || p.done.includes(here.id);
  const step = hereDone ? steps[p.step + 1] : here;
  if (!step || p.done.includes(step.id) || !completes(step, input)) return p;
  return { ...p, done: [...p.done, step.id] };
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
  if (isProgress(saved, steps.length)) return saved;
  return demo ? startTour() : null;
}

function isProgress(v: unknown, n: number): v is TourProgress {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Partial<TourProgress>;
  return (
    (p.status === 'running' || p.status === 'skipped' || p.status === 'finished') &&
    Number.isInteger(p.step) &&
    p.step! >= 0 &&
    p.step! < n &&
    Array.isArray(p.done) &&
    p.done.every((d) => typeof d === 'string')
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
