import { render, screen } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeGo, outcome as o, testDetail, testResult } from '../testing/fake';
import type { TestDetail } from '../lib/types';
import TestDetailPane from './TestDetailPane.svelte';

// uPlot draws on a canvas, which jsdom does not have: a stand-in records what it was given.
const charts = vi.hoisted(() => [] as { opts: { width: number; series: { label?: string }[] }; data: unknown[]; destroyed: boolean }[]);
vi.mock('uplot', () => ({
  default: class {
    constructor(opts: (typeof charts)[number]['opts'], data: unknown[]) {
      charts.push({ opts, data, destroyed: false });
    }
    destroy() {
      charts.at(-1)!.destroyed = true;
    }
  },
}));

const settle = async () => {
  await new Promise((res) => setTimeout(res, 0));
  await tick();
};

// jsdom lays nothing out; the chart needs a width to draw at.
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 420 });
});
afterAll(() => {
  // Back to Element.prototype's.
  delete (HTMLElement.prototype as { clientWidth?: number }).clientWidth;
});
beforeEach(() => {
  charts.length = 0;
});

const failing = testResult({
  id: 90,
  run_id: 9,
  suite: 'example.com/shop/cart',
  name: 'TestTotal/with_discount',
  status: 'failed',
  duration_ms: 34,
  message: 'cart_test.go:41: total = 90, want 95',
  file: 'cart/cart_test.go',
  line: 41,
});

const detail: TestDetail = testDetail({
  result: failing,
  output: '=== RUN   TestTotal/with_discount\n\x1b[31mFAIL\x1b[0m <b>not bold</b>\n',
  history: [
    o({ run_id: 9, result_id: 90, status: 'failed', duration_ms: 34 }),
    o({ run_id: 8, result_id: 80, status: 'failed', duration_ms: 30 }),
    o({ run_id: 7, result_id: 70, status: 'passed', duration_ms: 12, flaky: true }),
    o({ run_id: 5, result_id: 50, status: 'passed', duration_ms: 10 }),
  ],
  failing_since: 8,
  last_passed_run: 7,
  median_ms: 11,
});

function pane(d: TestDetail | (() => Promise<TestDetail>)) {
  const go = new FakeGo({ TestDetail: typeof d === 'function' ? d : () => d });
  const closed: boolean[] = [];
  render(TestDetailPane, {
    api: go.api(),
    resultId: typeof d === 'function' ? 1 : d.result.id,
    resync: 0,
    onerror: () => {},
    onclose: () => closed.push(true),
  });
  return { go, closed };
}

describe('TestDetailPane', () => {
  it('shows the status, duration and the failure with file:line up front', async () => {
    const { go } = pane(detail);
    await settle();
    expect(go.calls).toEqual([{ method: 'TestDetail', args: [90] }]);
    expect(screen.getByTestId('test-name').textContent).toBe('TestTotal/with_discount');
    expect(screen.getByTestId('test-status').dataset.status).toBe('failed');
    expect(screen.getByTestId('test-status').textContent).toContain('✗');
    expect(screen.getByTestId('test-detail').textContent).toContain('34ms');
    expect(screen.getByTestId('test-detail').textContent).toContain('median 11ms');
    expect(screen.getByTestId('test-location').textContent).toBe('cart/cart_test.go:41');
    expect(screen.getByTestId('test-message').textContent).toBe('cart_test.go:41: total = 90, want 95');
    expect(screen.getByTestId('test-failure').classList.contains('bad')).toBe(true);
  });

  it('says since when it fails and where it last passed, with links to its results there', async () => {
    pane(detail);
    await settle();
    const since = screen.getByTestId('test-since');
    expect(since.textContent?.replace(/\s+/g, ' ').trim()).toBe('Failing since run #8 · last passed in run #7');
    expect([...since.querySelectorAll('a')].map((a) => a.getAttribute('href'))).toEqual(['#/build/8/tests/80', '#/build/7/tests/70']);
  });

  it('draws the last outcomes oldest first, one linked cell per run, with a tooltip', async () => {
    pane(detail);
    await settle();
    const cells = screen.getAllByTestId('outcome-cell');
    expect(cells.map((c) => c.dataset.runId)).toEqual(['5', '7', '8', '9']);
    expect(cells.map((c) => c.textContent?.trim())).toEqual(['✓', '~', '✗', '✗']);
    expect(cells.map((c) => c.getAttribute('href'))).toEqual(['#/build/5/tests/50', '#/build/7/tests/70', '#/build/8/tests/80', '#/build/9/tests/90']);
    expect(cells[1].title).toBe('Run #7: passed on retry (flaky) · 12ms · 0123456');
    expect(cells[1].classList.contains('status-flaky')).toBe(true);
    expect(cells[3].getAttribute('aria-current')).toBe('true');
    expect(cells[0].getAttribute('aria-current')).toBeNull();
  });

  it('charts the duration trend with uPlot, with the median, and says it in words', async () => {
    pane(detail);
    await settle();
    expect(charts).toHaveLength(1);
    expect(charts[0].opts.width).toBe(420);
    expect(charts[0].opts.series.map((s) => s.label)).toEqual(['run', 'passed', 'failed', 'median']);
    expect(charts[0].data).toEqual([
      [0, 1, 2, 3],
      [10, 12, null, null],
      [null, null, 30, 34],
      [11, 11, 11, 11],
    ]);
    const trend = screen.getByTestId('duration-trend');
    expect(trend.dataset.median).toBe('11');
    expect(trend.querySelector('[role=img]')?.getAttribute('aria-label')).toBe(
      'Duration over 4 runs, median 11ms, fastest 10ms, slowest 12ms, 2 failed.',
    );
  });

  it('shows the output in monospace with ANSI colours, and never its text as markup', async () => {
    pane(detail);
    await settle();
    const out = screen.getByTestId('test-output');
    const lines = [...out.querySelectorAll('.line')].map((l) => l.textContent);
    expect(lines).toEqual(['=== RUN   TestTotal/with_discount', 'FAIL <b>not bold</b>']);
    expect(out.querySelector('b')).toBeNull();
    expect(out.querySelector('.ansi-red-fg')?.textContent).toBe('FAIL');
  });

  it('shows a flaky pass: attempts, badge, and what it recovered from', async () => {
    const flaky = testResult({ id: 5, run_id: 5, status: 'passed', flaky: true, attempts: 3, message: 'first try: timeout' });
    pane(testDetail({ result: flaky, history: [o({ run_id: 5, result_id: 5, flaky: true })], last_passed_run: 5 }));
    await settle();
    expect(screen.getByTestId('test-status').textContent).toContain('passed on retry');
    expect(screen.getByTestId('test-attempts').textContent).toBe('3 attempts');
    expect(screen.getByTestId('flaky-badge')).toBeTruthy();
    expect(screen.getByTestId('test-failure').textContent).toContain('Recovered from');
    expect(screen.getByTestId('test-failure').classList.contains('bad')).toBe(false);
    // One run: no trend to draw.
    expect(screen.queryByTestId('duration-trend')).toBeNull();
    expect(screen.getByTestId('test-detail').textContent).toContain('Nothing printed.');
  });

  it('says when a test never passed', async () => {
    pane(testDetail({ result: failing, failing_since: 9, last_passed_run: 0, history: [o({ run_id: 9, result_id: 90, status: 'failed' })] }));
    await settle();
    expect(screen.getByTestId('test-since').textContent?.replace(/\s+/g, ' ').trim()).toBe(
      'Failing since run #9 · never passed in the runs kept',
    );
  });
});
