// The loop ring: the eight stages of Status on a figure-eight standing upright in the sidebar,
// Plan → Code → Build → Test around the upper loop and Release → Deploy → Operate → Monitor
// around the lower one, crossing in the middle.

import { formatHash } from './route';
import type { PlaceId, Stage, StageId, Topic } from './types';

export const RING_WIDTH = 168;
export const RING_HEIGHT = 224;
/** Half the figure's height, from the crossing to either end. */
const REACH = 98;
/** Squeezes the figure sideways, to leave room for the labels. */
const SQUEEZE = 0.85;
/** From a node's centre to its label, clear of its attention halo. */
export const LABEL_GAP = 15;

/** The events after which the ring loads the status again (debounced). */
export const RING_TOPICS: readonly Topic[] = [
  'run.started',
  'run.finished',
  'board.changed',
  'deploy.updated',
  'check.updated',
  'incident.updated',
  'release.created',
  'project.changed',
];

/** How long a burst of events waits before one reload. */
export const RING_DEBOUNCE_MS = 300;

export interface Point {
  x: number;
  y: number;
}

/**
 * The point at angle t of a lemniscate of Bernoulli stood upright: t = 0 is the top, π/2 and
 * 3π/2 the crossing, π the bottom; t < π/2 on the left in the upper loop, then the right.
 */
export function ringPoint(t: number): Point {
  const d = 1 + Math.sin(t) ** 2;
  return {
    x: RING_WIDTH / 2 + ((REACH * Math.sin(t) * Math.cos(t)) / d) * SQUEEZE,
    y: RING_HEIGHT / 2 - (REACH * Math.cos(t)) / d,
  };
}

/** An SVG path along the figure from angle `from` to `to`. */
export function ringPath(from: number, to: number, steps = 48): string {
  const points: string[] = [];
  for (let i = 0; i <= steps; i++) {
    const p = ringPoint(from + ((to - from) * i) / steps);
    points.push(`${p.x.toFixed(1)} ${p.y.toFixed(1)}`);
  }
  return `M ${points.join(' L ')}`;
}

/** The upper loop (Dev) and the lower one (Ops). */
export const DEV_PATH = ringPath(-Math.PI / 2, Math.PI / 2);
export const OPS_PATH = ringPath(Math.PI / 2, (3 * Math.PI) / 2);

export interface RingNode extends Point {
  stage: Stage;
  /** Which side of the figure it is on: its label goes outside. */
  side: 'left' | 'right';
}

/** Places the stages on the figure, four evenly spread on each loop, in loop order. */
export function ringNodes(stages: readonly Stage[]): RingNode[] {
  const half = Math.ceil(stages.length / 2);
  return stages.map((stage, i) => {
    const [start, k, n] = i < half ? [-Math.PI / 2, i, half] : [Math.PI / 2, i - half, stages.length - half];
    const t = start + (Math.PI * (k + 1)) / (n + 1);
    const p = ringPoint(t);
    return { stage, ...p, side: p.x < RING_WIDTH / 2 ? 'left' : 'right' };
  });
}

/** The stage is shown by the place open now. */
export function isCurrent(stage: Stage, place: PlaceId): boolean {
  return stage.place === place;
}

/** Where clicking the stage goes. */
export function stageHref(stage: Stage): string {
  return formatHash({ place: stage.place, runId: null });
}

/** What a screen reader says of a stage: its title, summary and, when it needs attention, why. */
export function stageLabel(stage: Stage, current: boolean): string {
  const parts = [`${stage.title}: ${stage.summary}`];
  if (stage.attention) parts.push(`needs attention: ${stage.reason}`);
  if (current) parts.push('open now');
  return parts.join('. ');
}

/** The stage the caption under the ring describes: the one pointed at, else the first that needs attention, else the open place's. */
export function captionStage(stages: readonly Stage[], pointed: StageId | null, place: PlaceId): Stage | null {
  return (
    stages.find((s) => s.id === pointed) ?? stages.find((s) => s.attention) ?? stages.find((s) => isCurrent(s, place)) ?? null
  );
}

/** How many stages need attention, in words for the ring's heading. */
export function attentionText(stages: readonly Stage[]): string {
  const n = stages.filter((s) => s.attention).length;
  if (n === 0) return 'all clear';
  return n === 1 ? '1 needs attention' : `${n} need attention`;
}
