import { fireEvent, render, screen } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogChunk } from '../lib/types';
import { FakeGo, chunk } from '../testing/fake';
import LogView from './LogView.svelte';

const ROW = 18;
const VIEW = 540; // 30 rows

// jsdom does no layout: give log viewports a height, a scroll height from their row count and a
// scrollTop that clamps like a browser's.
const scrollTops = new WeakMap<Element, number>();
const originals = {
  clientHeight: Object.getOwnPropertyDescriptor(Element.prototype, 'clientHeight')!,
  scrollHeight: Object.getOwnPropertyDescriptor(Element.prototype, 'scrollHeight')!,
  scrollTop: Object.getOwnPropertyDescriptor(Element.prototype, 'scrollTop')!,
};
const isViewport = (el: Element) => el.classList.contains('viewport');
const scrollHeight = (el: Element) => Number((el as HTMLElement).dataset.count) * ROW;

beforeEach(() => {
  Object.defineProperty(Element.prototype, 'clientHeight', {
    configurable: true,
    get(this: Element) {
      return isViewport(this) ? VIEW : 0;
    },
  });
  Object.defineProperty(Element.prototype, 'scrollHeight', {
    configurable: true,
    get(this: Element) {
      return isViewport(this) ? scrollHeight(this) : 0;
    },
  });
  Object.defineProperty(Element.prototype, 'scrollTop', {
    configurable: true,
    get(this: Element) {
      return scrollTops.get(this) ?? 0;
    },
    set(this: Element, v: number) {
      scrollTops.set(this, Math.max(0, Math.min(v, scrollHeight(this) - VIEW)));
    },
  });
});

afterEach(() => {
  Object.defineProperty(Element.prototype, 'clientHeight', originals.clientHeight);
  Object.defineProperty(Element.prototype, 'scrollHeight', originals.scrollHeight);
  Object.defineProperty(Element.prototype, 'scrollTop', originals.scrollTop);
});

const settle = async () => {
  await new Promise((r) => setTimeout(r, 0));
  await tick();
};

function bigLog(lines: number): LogChunk[] {
  const chunks: LogChunk[] = [];
  let text = '';
  for (let i = 1; i <= lines; i++) {
    text += `line ${i}\n`;
    if (text.length > 32 * 1024) {
      chunks.push(chunk(chunks.length + 1, text));
      text = '';
    }
  }
  if (text) chunks.push(chunk(chunks.length + 1, text));
  return chunks;
}

function shownNumbers(): number[] {
  return [...screen.getByTestId('log-view').querySelectorAll('.ln')].map((el) => Number(el.textContent));
}

describe('LogView with 100,000 lines', () => {
  it('renders only a window of rows and follows the tail until scrolled up', async () => {
    const all = bigLog(100_000);
    let served = false;
    const go = new FakeGo({
      StepLog: (_stepId, afterSeq) => {
        if (!served) {
          served = true;
          return { chunks: all, nextSeq: all.length, more: false };
        }
        const seq = Number(afterSeq) + 1;
        return { chunks: [chunk(seq, `extra ${seq}\n`)], nextSeq: seq, more: false };
      },
    });
    render(LogView, { api: go.api(), stepId: 1, status: 'running', resync: 0, onerror: () => {} });
    await settle();

    const view = screen.getByTestId('log-view');
    expect(view.dataset.count).toBe('100000');
    let shown = shownNumbers();
    expect(shown.length).toBeLessThan(100);
    // Following: the last line is in view.
    expect(shown.at(-1)).toBe(100_000);

    // The user scrolls up to the middle: the window moves, following stops.
    view.scrollTop = 50_000 * ROW;
    await fireEvent.scroll(view);
    await tick();
    shown = shownNumbers();
    expect(shown.length).toBeLessThan(100);
    expect(shown).toContain(50_001);
    expect(shown.at(-1)).toBeLessThan(50_100);
    expect(screen.getByRole('button', { name: /Follow/ })).toBeTruthy();

    // New output does not pull the view away.
    go.emit('log.appended', { runId: 1, stepId: 1, seq: all.length + 1 });
    await settle();
    expect(view.dataset.count).toBe('100001');
    expect(shownNumbers()).toContain(50_001);

    // Follow jumps back to the tail.
    await fireEvent.click(screen.getByRole('button', { name: /Follow/ }));
    await tick();
    expect(shownNumbers().at(-1)).toBe(100_001);
    expect(screen.queryByRole('button', { name: /Follow/ })).toBeNull();
  });
});

describe('LogView', () => {
  it('says when a step has no output yet', async () => {
    const go = new FakeGo({ StepLog: () => ({ chunks: [], nextSeq: 0, more: false }) });
    render(LogView, { api: go.api(), stepId: 1, status: 'running', resync: 0, onerror: () => {} });
    await settle();
    expect(screen.getByText('Waiting for output…')).toBeTruthy();
  });

  it('opens links in the output outside the app', async () => {
    const link = '\x1b]8;;https://example.com/docs\x1b\\the docs\x1b]8;;\x1b\\\n';
    const go = new FakeGo({ StepLog: () => ({ chunks: [chunk(1, link)], nextSeq: 1, more: false }) });
    render(LogView, { api: go.api(), stepId: 1, status: 'passed', resync: 0, onerror: () => {} });
    await settle();
    await fireEvent.click(screen.getByText('the docs'));
    expect(go.opened).toEqual(['https://example.com/docs']);
  });
});
