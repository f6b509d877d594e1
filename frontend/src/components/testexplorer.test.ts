import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeGo, run, testDetail, testResult as r } from '../testing/fake';
import type { RunInfo, TestResultInfo } from '../lib/types';
import TestCounts from './TestCounts.svelte';
import TestExplorer from './TestExplorer.svelte';

const settle = async () => {
  await new Promise((res) => setTimeout(res, 0));
  await tick();
};

afterEach(() => {
  vi.useRealTimers();
});

const results: TestResultInfo[] = [
  r({ id: 1, suite: 'shop/cart', name: 'TestTotal/with_discount', status: 'failed', message: 'cart_test.go:41: total = 90, want 95', file: 'cart_test.go', line: 41 }),
  r({ id: 2, suite: 'shop/cart', name: 'TestTotal', status: 'failed', duration_ms: 3 }),
  r({ id: 3, suite: 'shop/cart', name: 'TestAdd' }),
  r({ id: 4, suite: 'shop/net', name: 'TestRetry', flaky: true, attempts: 2, duration_ms: 800 }),
  r({ id: 5, suite: 'shop/users', name: 'TestLogin' }),
  r({ id: 6, suite: 'shop/users', name: 'TestLDAP', status: 'skipped', message: 'needs LDAP' }),
];

function explorer(list: TestResultInfo[], over: Partial<RunInfo> = {}, selectedId: number | null = null) {
  const go = new FakeGo({ RunTests: () => list, TestDetail: (id) => testDetail({ result: list.find((x) => x.id === id)! }) });
  const selected: (number | null)[] = [];
  const props = {
    run: run({ id: 7, status: 'failed', tests: { total: list.length, passed: 3, failed: 2, skipped: 1, flaky: 1 }, ...over }),
    api: go.api(),
    selectedId,
    onselect: (id: number | null) => selected.push(id),
    resync: 0,
    onerror: (err: unknown) => {
      throw err;
    },
  };
  const view = render(TestExplorer, props);
  return { go, selected, view, props };
}

const rowTexts = () =>
  [...screen.getByTestId('test-tree').querySelectorAll<HTMLElement>('[data-testid=suite-row], [data-testid=test-row]')].map((el) =>
    el.dataset.testid === 'suite-row' ? `${el.getAttribute('aria-expanded') === 'true' ? '▾' : '▸'}${el.dataset.suite}` : `  ${el.dataset.resultId}`,
  );

describe('TestCounts', () => {
  it('shows passed, failed, skipped and flaky with marks, words for screen readers and the tooltip', () => {
    render(TestCounts, { counts: { total: 212, passed: 209, failed: 2, skipped: 1, flaky: 1 } });
    const c = screen.getByTestId('test-counts');
    expect(c.querySelectorAll('[aria-hidden=true]').length).toBe(4);
    expect([...c.querySelectorAll('[aria-hidden=true]')].map((e) => e.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      '✓209',
      '✗2',
      '↷1',
      '~1 flaky',
    ]);
    expect(c.title).toBe('212 tests: 209 passed, 2 failed, 1 skipped, 1 flaky');
    expect(c.querySelector('.sr-only')?.textContent).toBe(c.title);
    expect(c.dataset).toMatchObject({ total: '212', failed: '2', flaky: '1' });
  });

  it('leaves out what is zero, but not the passed count', () => {
    render(TestCounts, { counts: { total: 3, passed: 3, failed: 0, skipped: 0, flaky: 0 } });
    expect(screen.getByTestId('test-counts').title).toBe('3 tests: 3 passed');
  });
});

describe('TestExplorer', () => {
  it('shows a tree by suite: failing suites open, green ones folded, with counts', async () => {
    explorer(results);
    await settle();
    expect(rowTexts()).toEqual(['▾shop/cart', '  2', '  1', '  3', '▸shop/net', '▸shop/users']);
    const cart = screen.getAllByTestId('suite-row')[0];
    expect(cart.textContent).toMatch(/✗\s2/);
    expect(cart.textContent).toMatch(/✓\s1/);
    const failing = screen.getAllByTestId('test-row')[1];
    expect(failing.dataset.status).toBe('failed');
    expect(failing.textContent).toContain('TestTotal/with_discount');
    expect(failing.querySelector('.parent')?.textContent).toBe('TestTotal/');
    expect(failing.textContent).toContain('cart_test.go:41: total = 90, want 95');
    expect(failing.textContent).toContain('failed:');
    expect(screen.getByTestId('test-filter-all').textContent).toContain('6');
    expect(screen.getByTestId('test-filter-failed').textContent).toContain('2');
    expect(screen.getByTestId('test-filter-flaky').textContent).toContain('1');
  });

  it('folds and opens suites', async () => {
    explorer(results);
    await settle();
    await fireEvent.click(screen.getAllByTestId('suite-row')[1]);
    expect(rowTexts()).toEqual(['▾shop/cart', '  2', '  1', '  3', '▾shop/net', '  4', '▸shop/users']);
    expect(screen.getAllByTestId('test-row').at(-1)!.dataset.flaky).toBe('true');
    await fireEvent.click(screen.getAllByTestId('suite-row')[0]);
    expect(rowTexts()).toEqual(['▸shop/cart', '▾shop/net', '  4', '▸shop/users']);
    await fireEvent.click(screen.getByRole('button', { name: 'expand all' }));
    expect(rowTexts()).toHaveLength(9);
    await fireEvent.click(screen.getByRole('button', { name: 'collapse all' }));
    expect(rowTexts()).toEqual(['▸shop/cart', '▸shop/net', '▸shop/users']);
  });

  it('filters failed, flaky, by name, and lists the slowest flat', async () => {
    explorer(results);
    await settle();
    await fireEvent.click(screen.getByTestId('test-filter-failed'));
    expect(screen.getByTestId('test-filter-failed').getAttribute('aria-pressed')).toBe('true');
    expect(rowTexts()).toEqual(['▾shop/cart', '  2', '  1']);

    await fireEvent.click(screen.getByTestId('test-filter-flaky'));
    expect(rowTexts()).toEqual(['▾shop/net', '  4']);

    await fireEvent.click(screen.getByTestId('test-filter-all'));
    await fireEvent.input(screen.getByTestId('test-search'), { target: { value: 'login' } });
    expect(rowTexts()).toEqual(['▾shop/users', '  5']);
    expect(screen.getByTestId('suite-row').textContent).toContain('1 shown');

    await fireEvent.input(screen.getByTestId('test-search'), { target: { value: 'nothing like it' } });
    expect(screen.getByTestId('tests-none-match').textContent).toContain('No test matches with “nothing like it” in its name.');
    await fireEvent.keyDown(screen.getByTestId('test-search'), { key: 'Escape' });
    expect((screen.getByTestId('test-search') as HTMLInputElement).value).toBe('');

    await fireEvent.click(screen.getByTestId('test-filter-slow'));
    expect(rowTexts()).toEqual(['  4', '  3', '  6', '  5', '  1', '  2']);
    expect(screen.queryAllByTestId('suite-row')).toHaveLength(0);
    expect(screen.getAllByTestId('test-row')[0].textContent).toContain('shop/net');
  });

  it('marks the tests their history calls flaky, with the reason, and counts and filters them', async () => {
    const withHistory = [
      ...results,
      r({ id: 7, suite: 'shop/users', name: 'TestSession', flaky_history: { reasons: ['same-code'], evidence: [5, 6], flips: 1 } }),
      r({ id: 8, suite: 'shop/cart', name: 'TestTax', status: 'failed', message: 'timeout', flaky_history: { reasons: ['flips'], evidence: [2, 4, 6], flips: 3 } }),
    ];
    explorer(withHistory);
    await settle();
    expect(screen.getByTestId('test-filter-flaky').textContent).toContain('3');
    await fireEvent.click(screen.getByTestId('test-filter-flaky'));
    expect(rowTexts()).toEqual(['▾shop/cart', '  8', '▾shop/net', '  4', '▾shop/users', '  7']);
    const [tax, retry, session] = screen.getAllByTestId('test-row');
    const badge = (row: HTMLElement) => within(row).getByTestId('flaky-badge');
    expect(badge(session).textContent).toBe('flaky: failed and passed on the same code');
    expect(session.dataset.flaky).toBe('true');
    expect(session.querySelector('.mark')?.textContent).toBe('~');
    expect(badge(tax).textContent).toBe('flaky: flipped 3 times');
    expect(tax.querySelector('.mark')?.textContent).toBe('✗');
    expect(tax.textContent).toContain('timeout');
    expect(tax.title).toBe('shop/cart › TestTax: failed, flaky: flipped 3 times');
    expect(badge(retry).textContent).toBe('flaky: passed after 2 attempts');
  });

  it('selects a test by click and with the arrow keys, and shows its detail', async () => {
    const { selected, view, props } = explorer(results);
    await settle();
    await fireEvent.click(screen.getAllByTestId('test-row')[0]);
    expect(selected).toEqual([2]);
    await view.rerender({ ...props, selectedId: 2 });
    await settle();
    expect(screen.getAllByTestId('test-row')[0].getAttribute('aria-current')).toBe('true');
    expect(screen.getByTestId('test-detail').dataset.resultId).toBe('2');
    await fireEvent.keyDown(screen.getAllByTestId('test-row')[0], { key: 'ArrowDown' });
    expect(selected).toEqual([2, 1]);
    await fireEvent.click(within(screen.getByTestId('test-detail')).getByRole('button', { name: 'Close test (Esc)' }));
    expect(selected).toEqual([2, 1, null]);
  });

  it('fetches the list again when the run reports new counts', async () => {
    let list = results.slice(0, 2);
    const { go, view, props } = explorer([], { status: 'running', tests: { total: 2, passed: 0, failed: 2, skipped: 0, flaky: 0 } });
    go.calls.length = 0;
    // Rewire the fake: the list grows as the run goes.
    (go as unknown as { call: FakeGo['call'] }).call = async (method, args) => {
      go.calls.push({ method, args });
      return list;
    };
    await settle();
    vi.useFakeTimers();
    list = results;
    await view.rerender({ ...props, run: { ...props.run, tests: { total: 6, passed: 3, failed: 2, skipped: 1, flaky: 1 } } });
    await vi.advanceTimersByTimeAsync(500);
    vi.useRealTimers();
    await settle();
    expect(go.calls.map((c) => c.method)).toEqual(['RunTests']);
    expect(rowTexts()[0]).toBe('▾shop/cart');
    expect(screen.getByTestId('test-filter-all').textContent).toContain('6');
  });

  it('says when a run has no test results, and how to get them', async () => {
    explorer([], { status: 'passed', tests: { total: 0, passed: 0, failed: 0, skipped: 0, flaky: 0 } });
    await settle();
    expect(screen.getByTestId('tests-empty').textContent).toContain('No test results in this run.');
    expect(screen.getByTestId('tests-empty').textContent).toContain('report: junit:<glob>');
  });

  it('keeps a few dozen rows in the DOM for 10,000 tests', async () => {
    const many = Array.from({ length: 10_000 }, (_, i) =>
      r({ id: i + 1, suite: `pkg/${Math.floor(i / 100)}`, name: `Test${i}`, status: i === 5 ? 'failed' : 'passed' }),
    );
    explorer(many);
    await settle();
    await fireEvent.click(screen.getByRole('button', { name: 'expand all' }));
    const tree = screen.getByTestId('test-tree');
    expect(Number(tree.dataset.count)).toBe(10_100);
    expect(tree.querySelectorAll('[data-testid=test-row]').length).toBeLessThan(100);
  });
});
