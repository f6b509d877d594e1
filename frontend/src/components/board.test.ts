import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BoardState } from '../lib/board.svelte';
import { Workbench } from '../lib/workbench.svelte';
import { FakeBoard, FakeGo, card, label, project, watchState } from '../testing/fake';
import PlanBoard from './PlanBoard.svelte';

const settle = async () => {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 0));
    await tick();
  }
};

function start(fb = new FakeBoard([3, 1])) {
  const go = new FakeGo({ Project: () => project(), Runs: () => [], WatchState: () => watchState(), ...fb.handlers() });
  const wb = new Workbench(go.api());
  const board = new BoardState(wb.api, (err) => wb.report(err));
  render(PlanBoard, { wb, board });
  return { go, wb, fb, board };
}

function col(name: string): HTMLElement {
  return screen.getAllByTestId('board-column').find((c) => c.dataset.name === name)!;
}

function keysIn(name: string): string[] {
  return within(col(name))
    .queryAllByTestId('board-card')
    .filter((c) => !c.classList.contains('hidden'))
    .map((c) => c.dataset.key!);
}

function press(key: string, init: KeyboardEventInit = {}) {
  return fireEvent.keyDown(document.activeElement ?? document.body, { key, ...init });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('PlanBoard', () => {
  it('shows the board figures in the toolbar', async () => {
    start(new FakeBoard([2]));
    await settle();
    expect(screen.getByTestId('board-throughput').textContent).toBe('2.0/week delivered');
  });

  it('shows the columns side by side with their category, WIP pill and cards in rank order', async () => {
    const fb = new FakeBoard([3, 2]);
    fb.columns[1].wip_limit = 1;
    start(fb);
    await settle();
    const names = screen.getAllByTestId('board-column').map((c) => c.dataset.name);
    expect(names).toEqual(['Plan', 'Code', 'Verified', 'Released', 'Staging', 'Production', 'Canceled']);
    expect(within(col('Plan')).getByTestId('column-category').textContent).toBe('backlog');
    expect(keysIn('Plan')).toEqual(['#1', '#2', '#3']);
    const pill = within(col('Code')).getByTestId('wip-pill');
    expect(pill.textContent).toBe('2/1');
    expect(pill.dataset.over).toBe('true');
    expect(pill.classList.contains('over')).toBe(true);
    expect(within(col('Plan')).getByTestId('wip-pill').dataset.over).toBe('false');
  });

  it('shows what a card carries: labels with colours, initials, due state, checklist progress, failure', async () => {
    const fb = new FakeBoard();
    fb.cards.push(
      card({
        id: 7,
        title: 'Pay button',
        labels: [label({ id: 1, name: 'bug', color: '#d73a4a' })],
        assignee: 'Ada Lovelace',
        due: '2025-03-11',
        due_state: 'due_soon',
        checklist_done: 2,
        checklist_total: 5,
        failure: 'run #12 failed: 2 tests',
      }),
      card({ id: 8, title: 'Late', due: '2025-03-01', due_state: 'overdue', rank: 'z' }),
    );
    start(fb);
    await settle();
    const [pay, late] = within(col('Plan')).getAllByTestId('board-card');
    const chip = within(pay).getByTestId('card-label');
    expect(chip.textContent).toBe('bug');
    expect(chip.style.background).toBe('rgb(215, 58, 74)');
    expect(within(pay).getByTestId('card-assignee').textContent).toBe('AL');
    expect(within(pay).getByTestId('card-due').classList.contains('warn')).toBe(true);
    expect(within(pay).getByTestId('card-due').textContent).toBe('11 Mar');
    expect(within(pay).getByTestId('card-checklist').textContent).toContain('2/5');
    expect(within(pay).getByTestId('card-failure').textContent).toContain('run #12 failed: 2 tests');
    expect(within(late).getByTestId('card-due').classList.contains('fail')).toBe(true);
    expect(within(late).queryByTestId('card-failure')).toBeNull();
  });

  it('filters by text, label and assignee; hidden cards still count', async () => {
    const fb = new FakeBoard([3]);
    fb.cards[0].title = 'Login redirect';
    fb.cards[1].labels = [fb.labels[1]];
    fb.cards[2].assignee = 'Grace';
    start(fb);
    await settle();
    await fireEvent.input(screen.getByTestId('board-filter'), { target: { value: 'login' } });
    expect(keysIn('Plan')).toEqual(['#1']);
    expect(within(col('Plan')).getByTestId('wip-pill').textContent).toBe('3');
    expect(within(col('Plan')).getByTestId('column-shown').textContent).toBe('1 of 3 shown');
    expect(screen.getByTestId('board-shown').textContent).toBe('1 of 3 cards');

    await fireEvent.input(screen.getByTestId('board-filter'), { target: { value: '' } });
    await fireEvent.change(screen.getByTestId('board-filter-label'), { target: { value: '2' } });
    expect(keysIn('Plan')).toEqual(['#2']);
    await fireEvent.click(screen.getByTestId('board-filter-clear'));
    await fireEvent.change(screen.getByTestId('board-filter-assignee'), { target: { value: 'Grace' } });
    expect(keysIn('Plan')).toEqual(['#3']);
  });

  it('moves a card that Go moved (board.changed) without a click, and reloads on column changes', async () => {
    const { go, fb } = start();
    await settle();
    const moved = fb.move(1, 2, 0, 0);
    go.emit('board.changed', { what: 'card', card: moved });
    await tick();
    expect(keysIn('Plan')).toEqual(['#2', '#3']);
    expect(keysIn('Code')).toEqual(['#4', '#1']);

    fb.columns[0].name = 'Ideas';
    const loads = go.calls.filter((c) => c.method === 'Board').length;
    go.emit('board.changed', { what: 'column', card: null });
    await settle();
    expect(go.calls.filter((c) => c.method === 'Board').length).toBe(loads + 1);
    expect(screen.getAllByTestId('board-column')[0].dataset.name).toBe('Ideas');
  });

  it('moves the focus with the arrows and a card with m, arrows and Enter; u undoes', async () => {
    const { go, wb } = start();
    await settle();
    await press('ArrowDown');
    expect(document.activeElement?.getAttribute('data-key')).toBe('#1');
    await press('ArrowDown');
    expect(document.activeElement?.getAttribute('data-key')).toBe('#2');
    await press('ArrowRight');
    expect(document.activeElement?.getAttribute('data-key')).toBe('#4');
    await press('ArrowLeft');
    expect(document.activeElement?.getAttribute('data-key')).toBe('#1');
    await press('ArrowDown');
    await press('m');
    expect(screen.getByTestId('move-mode').textContent).toContain('Moving #2');
    await press('ArrowRight');
    await press('ArrowDown');
    expect(within(col('Code')).getByTestId('drop-placeholder')).toBeTruthy();
    await press('Enter');
    await settle();
    expect(go.calls.find((c) => c.method === 'MoveCard')?.args).toEqual([2, 2, 4, 0]);
    expect(keysIn('Code')).toEqual(['#4', '#2']);
    expect(document.activeElement?.getAttribute('data-key')).toBe('#2');

    await press('u');
    await settle();
    expect(go.calls.some((c) => c.method === 'UndoMove')).toBe(true);
    expect(keysIn('Plan')).toEqual(['#1', '#2', '#3']);
    await press('ArrowRight');
    await press('z', { ctrlKey: true });
    await settle();
    expect(go.calls.filter((c) => c.method === 'UndoMove')).toHaveLength(2);
    // Nothing left to undo: Go says so, and the board says it.
    expect(wb.notices.at(-1)?.code).toBe('conflict');
  });

  it('shows a move at once and puts the card back when Go refuses it', async () => {
    const fb = new FakeBoard([2, 1]);
    let refuse: (err: unknown) => void = () => {};
    const go = new FakeGo({
      ...fb.handlers(),
      MoveCard: () => new Promise((_, reject) => (refuse = reject)),
    });
    const wb = new Workbench(go.api());
    render(PlanBoard, { wb, board: new BoardState(wb.api, (err) => wb.report(err)) });
    await settle();
    await press('ArrowDown');
    await press('m');
    await press('ArrowRight');
    await press('Enter');
    await tick();
    // Same height in the next column: above #3.
    expect(keysIn('Code')).toEqual(['#1', '#3']);
    expect(keysIn('Plan')).toEqual(['#2']);
    expect(within(col('Plan')).getByTestId('wip-pill').textContent).toBe('1');

    refuse({ code: 'conflict', message: 'card 3 is not in column "Code": reload and try again' });
    await settle();
    expect(keysIn('Plan')).toEqual(['#1', '#2']);
    expect(keysIn('Code')).toEqual(['#3']);
    expect(wb.notices.at(-1)?.message).toContain('reload and try again');
  });

  it('Esc cancels a move; n adds a card to the focused column with Enter', async () => {
    const { go } = start();
    await settle();
    await press('ArrowDown');
    await press('m');
    await press('ArrowRight');
    await press('Escape');
    expect(screen.queryByTestId('move-mode')).toBeNull();
    expect(screen.queryByTestId('drop-placeholder')).toBeNull();
    expect(go.calls.some((c) => c.method === 'MoveCard')).toBe(false);

    await press('ArrowRight');
    await press('n');
    await settle();
    const input = within(col('Code')).getByTestId('new-card-title') as HTMLInputElement;
    expect(document.activeElement).toBe(input);
    await fireEvent.input(input, { target: { value: 'Write the changelog' } });
    await fireEvent.submit(input.closest('form')!);
    await settle();
    expect(go.calls.find((c) => c.method === 'AddCard')?.args).toEqual([{ title: 'Write the changelog', column_id: 2 }]);
    expect(within(col('Code')).getAllByTestId('board-card').at(-1)?.textContent).toContain('Write the changelog');
    expect(input.value).toBe('');
  });

  it('drags a card with pointer events to a place in another column', async () => {
    const { go } = start(new FakeBoard([2, 2]));
    await settle();
    // jsdom does not lay out: columns are 272 px wide side by side, cards 50 px tall 10 px apart.
    vi.spyOn(Element.prototype, 'getBoundingClientRect').mockImplementation(function (this: Element) {
      const el = this as HTMLElement;
      const column = el.closest<HTMLElement>('[data-testid=board-column]');
      const left = column ? (Number(column.dataset.columnId) - 1) * 280 : 0;
      if (el.dataset.testid === 'board-card' && column) {
        const shown = [...column.querySelectorAll('[data-testid=board-card]:not(.hidden), [data-testid=drop-placeholder]')];
        const top = 50 + shown.indexOf(el) * 60;
        return DOMRect.fromRect({ x: left, y: top, width: 272, height: 50 });
      }
      if (el.dataset.testid === 'board-column') return DOMRect.fromRect({ x: left, y: 0, width: 272, height: 700 });
      if (el.dataset.testid === 'column-cards') return DOMRect.fromRect({ x: left, y: 40, width: 272, height: 600 });
      return DOMRect.fromRect({ x: 0, y: 0, width: 1200, height: 800 });
    });
    const first = within(col('Plan')).getAllByTestId('board-card')[0];
    await fireEvent.pointerDown(first, { button: 0, clientX: 100, clientY: 70, pointerId: 1 });
    // Under the threshold nothing happens.
    await fireEvent.pointerMove(window, { clientX: 102, clientY: 71, pointerId: 1 });
    expect(screen.queryByTestId('drag-ghost')).toBeNull();
    // Over the second column, between its two cards (middles at 75 and 135).
    await fireEvent.pointerMove(window, { clientX: 420, clientY: 110, pointerId: 1 });
    expect(screen.getByTestId('drag-ghost')).toBeTruthy();
    expect(within(col('Code')).getByTestId('drop-placeholder')).toBeTruthy();
    expect(screen.getAllByTestId('drop-placeholder')).toHaveLength(1);
    expect(first.classList.contains('hidden')).toBe(true);
    await fireEvent.pointerUp(window, { clientX: 420, clientY: 110, pointerId: 1 });
    await settle();
    expect(go.calls.find((c) => c.method === 'MoveCard')?.args).toEqual([1, 2, 3, 4]);
    expect(keysIn('Code')).toEqual(['#3', '#1', '#4']);
    expect(screen.queryByTestId('drag-ghost')).toBeNull();
    // The click after a drag does not open the card.
    await fireEvent.click(first);
    expect(screen.queryByTestId('card-detail')).toBeNull();
  });

  it('opens a card: sanitised description, checklist, links and the timeline with undone moves struck', async () => {
    const fb = new FakeBoard([2]);
    fb.descriptions.set(1, 'Fix **it**');
    fb.move(1, 2, 0, 0);
    fb.undo();
    const { go } = start(fb);
    await settle();
    await fireEvent.click(within(col('Plan')).getAllByTestId('board-card')[0]);
    await settle();
    const detail = screen.getByTestId('card-detail');
    expect(within(detail).getByTestId('detail-key').textContent).toBe('#1');
    expect(within(detail).getByTestId('detail-description').innerHTML).toContain('<p>Fix **it**</p>');
    const steps = within(detail).getAllByTestId('transition');
    expect(steps.map((t) => t.dataset.cause)).toEqual(['user', 'user', 'undo']);
    expect(steps[0].textContent).toContain('created in Plan');
    expect(steps[0].textContent).not.toContain('by Ann');
    expect(steps[1].textContent).toContain('Plan → Code');
    expect(steps[1].textContent).toContain('moved by hand by Ann Lee <ann@example.com>');
    expect(steps[1].dataset.undone).toBe('true');
    expect(steps[1].classList.contains('undone')).toBe(true);
    expect(within(detail).getByTestId('environment').textContent).toContain('currently on staging: v1.4.0');
    const times = within(detail).getByTestId('detail-figures');
    expect(times.textContent?.replace(/\s+/g, ' ')).toContain('Age 5d In this column 1h 30m');
    expect(within(detail).getByTestId('detail-cycle').textContent?.trim()).toBe('started, not in production yet');
    expect(within(detail).getByTestId('detail-lead').textContent?.trim()).toBe('not in production yet');

    const item = within(detail).getByTestId('new-checklist-item');
    await fireEvent.input(item, { target: { value: 'Write a test' } });
    await fireEvent.submit(item.closest('form')!);
    await settle();
    expect(within(detail).getByTestId('detail-checklist-progress').textContent).toBe('0/1');
    await fireEvent.click(within(within(detail).getByTestId('checklist-item')).getByRole('checkbox'));
    await settle();
    expect(within(detail).getByTestId('detail-checklist-progress').textContent).toBe('1/1');

    await fireEvent.input(within(detail).getByTestId('link-commit-input'), { target: { value: 'abc1234' } });
    await fireEvent.click(within(detail).getByTestId('link-commit'));
    await settle();
    const link = within(detail).getByTestId('link');
    expect(link.dataset.closing).toBe('true');
    expect(link.textContent).toContain('abc1234');
    expect(link.textContent).toContain('closes');

    await fireEvent.click(within(detail).getAllByTestId('label-toggle')[0]);
    await settle();
    expect(go.calls.find((c) => c.method === 'SetCardLabels')?.args).toEqual([1, [1]]);
    expect(within(col('Plan')).getAllByTestId('board-card')[0].textContent).toContain('bug');

    const title = within(detail).getByTestId('detail-title') as HTMLInputElement;
    await fireEvent.input(title, { target: { value: 'A better title' } });
    await fireEvent.blur(title);
    await settle();
    expect(go.calls.find((c) => c.method === 'UpdateCard')?.args).toEqual([1, { title: 'A better title' }]);

    await press('Escape');
    expect(screen.queryByTestId('card-detail')).toBeNull();
  });

  it('manages columns: WIP limit, rename, move right, remove with a target', async () => {
    const { go } = start(new FakeBoard([2, 1]));
    await settle();
    await fireEvent.click(within(col('Code')).getByTestId('column-menu'));
    const wip = within(col('Code')).getByTestId('column-wip');
    await fireEvent.input(wip, { target: { value: '1' } });
    await fireEvent.submit(wip.closest('form')!);
    await settle();
    expect(go.calls.find((c) => c.method === 'SetWIPLimit')?.args).toEqual([2, 1]);
    expect(within(col('Code')).getByTestId('wip-pill').textContent).toBe('1/1');

    await fireEvent.click(within(col('Code')).getByTestId('column-menu'));
    const name = within(col('Code')).getByTestId('column-rename');
    await fireEvent.input(name, { target: { value: 'Doing' } });
    await fireEvent.submit(name.closest('form')!);
    await settle();
    expect(go.calls.find((c) => c.method === 'RenameColumn')?.args).toEqual([2, 'Doing']);

    await fireEvent.click(within(col('Doing')).getByTestId('column-menu'));
    await fireEvent.click(within(col('Doing')).getByTestId('column-right'));
    await settle();
    expect(go.calls.find((c) => c.method === 'MoveColumn')?.args).toEqual([2, 3, 4]);
    expect(screen.getAllByTestId('board-column').map((c) => c.dataset.name).slice(0, 3)).toEqual(['Plan', 'Verified', 'Doing']);

    await fireEvent.click(within(col('Plan')).getByTestId('column-menu'));
    const into = within(col('Plan')).getByTestId('column-remove-into');
    await fireEvent.change(into, { target: { value: '2' } });
    await fireEvent.click(within(col('Plan')).getByTestId('column-remove'));
    await settle();
    expect(go.calls.find((c) => c.method === 'RemoveColumn')?.args).toEqual([1, 2]);
    expect(screen.getAllByTestId('board-column')[0].dataset.name).toBe('Verified');
    expect(col('Doing').dataset.count).toBe('3');
  });
});
