import { describe, expect, it } from 'vitest';
import { parseHash } from './route';
import {
  LABEL_GAP,
  RING_HEIGHT,
  RING_WIDTH,
  attentionText,
  captionStage,
  isCurrent,
  ringNodes,
  ringPoint,
  stageHref,
  stageLabel,
} from './ring';
import { stages } from './ring.fixtures';

describe('ringPoint', () => {
  it('stands the figure-eight upright: top, crossing, bottom, crossing', () => {
    const at = (t: number) => {
      const p = ringPoint(t);
      return [Math.round(p.x), Math.round(p.y)];
    };
    expect(at(0)).toEqual([RING_WIDTH / 2, RING_HEIGHT / 2 - 98]);
    expect(at(Math.PI / 2)).toEqual([RING_WIDTH / 2, RING_HEIGHT / 2]);
    expect(at(Math.PI)).toEqual([RING_WIDTH / 2, RING_HEIGHT / 2 + 98]);
    expect(at((3 * Math.PI) / 2)).toEqual([RING_WIDTH / 2, RING_HEIGHT / 2]);
  });
});

describe('ringNodes', () => {
  const nodes = ringNodes(stages());
  const where = (id: string) => nodes.find((n) => n.stage.id === id)!;

  it('goes up the left of the upper loop and down its right, then round the lower loop', () => {
    expect(nodes.map((n) => n.stage.id)).toEqual(['plan', 'code', 'build', 'test', 'release', 'deploy', 'operate', 'monitor']);
    expect(nodes.map((n) => n.side)).toEqual(['left', 'left', 'right', 'right', 'left', 'left', 'right', 'right']);
    expect(where('code').y).toBeLessThan(where('plan').y);
    expect(where('test').y).toBeGreaterThan(where('build').y);
    expect(where('deploy').y).toBeGreaterThan(where('release').y);
    expect(where('monitor').y).toBeLessThan(where('operate').y);
    for (const id of ['plan', 'code', 'build', 'test']) expect(where(id).y).toBeLessThan(RING_HEIGHT / 2);
    for (const id of ['release', 'deploy', 'operate', 'monitor']) expect(where(id).y).toBeGreaterThan(RING_HEIGHT / 2);
  });

  it('keeps every node inside the figure, with room for a label outside it', () => {
    for (const n of nodes) {
      expect(n.y).toBeGreaterThan(10);
      expect(n.y).toBeLessThan(RING_HEIGHT - 10);
      const room = n.side === 'left' ? n.x - LABEL_GAP : RING_WIDTH - n.x - LABEL_GAP;
      expect(room).toBeGreaterThanOrEqual(42); // "Release" at 11px
    }
  });
});

describe('the stages', () => {
  const all = stages({ build: 'run #4 failed: step test failed', deploy: 'the last deploy to staging (#3) failed' });
  const test = all.find((s) => s.id === 'test')!;
  const build = all.find((s) => s.id === 'build')!;

  it('link to their place; Test opens Build & Test', () => {
    expect(stageHref(test)).toBe('#/build');
    expect(parseHash(stageHref(all[6])).place).toBe('operate');
    expect(isCurrent(test, 'build')).toBe(true);
    expect(isCurrent(test, 'plan')).toBe(false);
  });

  it('tell a screen reader the summary, why they need attention and which is open', () => {
    expect(stageLabel(test, false)).toBe('Test: Test summary');
    expect(stageLabel(build, true)).toBe('Build: Build summary. needs attention: run #4 failed: step test failed. open now');
  });

  it('caption the stage pointed at, else the first needing attention, else the open one', () => {
    expect(captionStage(all, 'code', 'plan')?.id).toBe('code');
    expect(captionStage(all, null, 'plan')?.id).toBe('build');
    expect(captionStage(stages(), null, 'release')?.id).toBe('release');
    expect(captionStage([], null, 'release')).toBeNull();
  });

  it('count those that need attention', () => {
    expect(attentionText(stages())).toBe('all clear');
    expect(attentionText(stages({ plan: 'x' }))).toBe('1 needs attention');
    expect(attentionText(all)).toBe('2 need attention');
  });
});
