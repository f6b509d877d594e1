import { describe, expect, it } from 'vitest';
import { card, column, label } from '../testing/fake';
import {
  applyMove,
  arrow,
  assigneesOf,
  checklistText,
  columnsOf,
  dropIndex,
  dueTone,
  edgeSpeed,
  filterActive,
  formatDue,
  initials,
  labelInk,
  matchesFilter,
  moveFocus,
  moveTarget,
  neighbours,
  NO_FILTER,
  NOBODY,
  toCard,
  upsertCard,
  visibleCards,
  wipText,
  type Column,
  type GridColumn,
} from './board';

function board(): Column[] {
  return columnsOf({
    columns: [
      column({ id: 1, name: 'Plan', cards: [card({ id: 1, rank: 'b' }), card({ id: 2, rank: 'd' }), card({ id: 3, rank: 'f' })] }),
      column({ id: 2, name: 'Code', wip_limit: 1, cards: [card({ id: 4, rank: 'm', column_id: 2 })] }),
      column({ id: 3, name: 'Done', cards: null }),
    ],
  });
}

const ids = (col: Column) => col.cards.map((c) => c.id);

describe('columnsOf', () => {
  it('makes null arrays empty and sorts cards by rank (bytewise), ids breaking ties', () => {
    const cols = columnsOf({
      columns: [column({ cards: [card({ id: 3, rank: 'b' }), card({ id: 1, rank: 'B' }), card({ id: 2, rank: 'b', labels: null })] })],
    });
    expect(ids(cols[0])).toEqual([1, 2, 3]);
    expect(cols[0].cards[1].labels).toEqual([]);
    expect(columnsOf({ columns: null })).toEqual([]);
  });
});

describe('upsertCard', () => {
  it('moves a card to its new column in rank order and recounts both', () => {
    const cols = board();
    const next = upsertCard(cols, card({ id: 2, column_id: 2, rank: 'a' }))!;
    expect(ids(next[0])).toEqual([1, 3]);
    expect(ids(next[1])).toEqual([2, 4]);
    expect(next[0].count).toBe(2);
    expect(next[1].count).toBe(2);
    expect(next[1].over_limit).toBe(true);
    expect(next[2]).toBe(cols[2]);
  });

  it('reorders within a column and adds a new card', () => {
    let next = upsertCard(board(), card({ id: 1, rank: 'e' }))!;
    expect(ids(next[0])).toEqual([2, 1, 3]);
    next = upsertCard(next, card({ id: 9, rank: 'z' }))!;
    expect(ids(next[0])).toEqual([2, 1, 3, 9]);
  });

  it('answers null for a column it does not know (the board must be loaded again)', () => {
    expect(upsertCard(board(), card({ id: 1, column_id: 99 }))).toBeNull();
  });
});

describe('applyMove', () => {
  it('puts the card right below `before`', () => {
    const next = applyMove(board(), 1, 1, 2, 3)!;
    expect(ids(next[0])).toEqual([2, 1, 3]);
  });
  it('puts the card right above `after` when there is no `before`', () => {
    const next = applyMove(board(), 4, 1, 0, 2)!;
    expect(ids(next[0])).toEqual([1, 4, 2, 3]);
    expect(next[0].cards[1].column_id).toBe(1);
    expect(next[0].cards[1].column).toBe('Plan');
    expect(ids(next[1])).toEqual([]);
    expect(next[1].over_limit).toBe(false);
  });
  it('puts the card at the end without neighbours', () => {
    expect(ids(applyMove(board(), 1, 3, 0, 0)![2])).toEqual([1]);
  });
  it('answers null for an unknown card or column', () => {
    expect(applyMove(board(), 42, 1, 0, 0)).toBeNull();
    expect(applyMove(board(), 1, 42, 0, 0)).toBeNull();
  });
});

describe('dropIndex', () => {
  const mids = [100, 160, 220];
  it.each([
    [0, 0],
    [99, 0],
    [101, 1],
    [160, 1],
    [161, 2],
    [221, 3],
    [5000, 3],
  ])('y=%i → %i', (y, want) => {
    expect(dropIndex(mids, y)).toBe(want);
  });
  it('is 0 in an empty column', () => {
    expect(dropIndex([], 50)).toBe(0);
  });
});

describe('neighbours', () => {
  it.each([
    [0, { before: 0, after: 10 }],
    [1, { before: 10, after: 20 }],
    [3, { before: 30, after: 0 }],
    [9, { before: 30, after: 0 }],
    [-1, { before: 0, after: 10 }],
  ])('index %i', (i, want) => {
    expect(neighbours([10, 20, 30], i)).toEqual(want);
  });
  it('has none in an empty column', () => {
    expect(neighbours([], 0)).toEqual({ before: 0, after: 0 });
  });
});

describe('the quick filter', () => {
  const bug = label({ id: 1, name: 'bug' });
  const c = toCard(card({ id: 12, key: 'APP-12', title: 'Fix the Login redirect', assignee: 'Ada', labels: [bug] }));
  const none = toCard(card({ id: 13, title: 'Other' }));

  it('matches the title or the key, case aside', () => {
    expect(matchesFilter(c, { ...NO_FILTER, text: 'login' })).toBe(true);
    expect(matchesFilter(c, { ...NO_FILTER, text: 'app-12' })).toBe(true);
    expect(matchesFilter(c, { ...NO_FILTER, text: '  ' })).toBe(true);
    expect(matchesFilter(c, { ...NO_FILTER, text: 'logout' })).toBe(false);
  });
  it('matches a label and an assignee, or nobody', () => {
    expect(matchesFilter(c, { ...NO_FILTER, label: 1 })).toBe(true);
    expect(matchesFilter(c, { ...NO_FILTER, label: 2 })).toBe(false);
    expect(matchesFilter(c, { ...NO_FILTER, assignee: 'Ada' })).toBe(true);
    expect(matchesFilter(c, { ...NO_FILTER, assignee: 'Grace' })).toBe(false);
    expect(matchesFilter(c, { ...NO_FILTER, assignee: NOBODY })).toBe(false);
    expect(matchesFilter(none, { ...NO_FILTER, assignee: NOBODY })).toBe(true);
  });
  it('needs every part to match', () => {
    expect(matchesFilter(c, { text: 'fix', label: 1, assignee: 'Grace' })).toBe(false);
  });
  it('keeps the same array when nothing is filtered', () => {
    const cards = [c, none];
    expect(filterActive(NO_FILTER)).toBe(false);
    expect(visibleCards(cards, NO_FILTER)).toBe(cards);
    expect(visibleCards(cards, { ...NO_FILTER, text: 'other' })).toEqual([none]);
  });
  it('lists the assignees once, sorted', () => {
    const cols = columnsOf({
      columns: [column({ cards: [card({ id: 1, assignee: 'Grace' }), card({ id: 2, assignee: 'Ada' }), card({ id: 3, assignee: 'Grace' }), card({ id: 4 })] })],
    });
    expect(assigneesOf(cols)).toEqual(['Ada', 'Grace']);
  });
});

describe('how a card looks', () => {
  it.each([
    ['Ada Lovelace', 'AL'],
    ['ada', 'A'],
    ['grace.brewster.hopper@example.com', 'GH'],
    ['', ''],
  ])('initials(%j) = %j', (name, want) => {
    expect(initials(name)).toBe(want);
  });
  it('colours due dates: amber when due soon, red when overdue', () => {
    expect(dueTone('due_soon')).toBe('warn');
    expect(dueTone('overdue')).toBe('fail');
    expect(dueTone('')).toBe('');
  });
  it('writes due dates short, with the year when it is not this one', () => {
    expect(formatDue('2025-03-07', '2025-03-10')).toBe('7 Mar');
    expect(formatDue('2026-01-15', '2025-03-10')).toBe('15 Jan 2026');
    expect(formatDue('soon', '2025-03-10')).toBe('soon');
  });
  it('shows checklist progress and the WIP pill', () => {
    expect(checklistText({ checklist_done: 2, checklist_total: 5 })).toBe('2/5');
    expect(checklistText({ checklist_done: 0, checklist_total: 0 })).toBe('');
    expect(wipText({ count: 4, wip_limit: 3 })).toBe('4/3');
    expect(wipText({ count: 4, wip_limit: 0 })).toBe('4');
  });
  it('picks dark ink on light labels and white on dark ones', () => {
    expect(labelInk('#a2eeef')).toBe('#0d1117');
    expect(labelInk('#d73a4a')).toBe('#ffffff');
    expect(labelInk('nonsense')).toBe('#ffffff');
  });
});

describe('keyboard focus', () => {
  const grid: GridColumn[] = [
    { id: 1, cards: [11, 12, 13] },
    { id: 2, cards: [] },
    { id: 3, cards: [31] },
  ];
  it('starts on the first card', () => {
    expect(moveFocus(grid, null, 'down')).toEqual({ column: 1, card: 11 });
    expect(moveFocus(grid, { column: 99, card: 1 }, 'up')).toEqual({ column: 1, card: 11 });
    expect(moveFocus([], null, 'down')).toBeNull();
  });
  it('moves up and down within a column and stops at its ends', () => {
    expect(moveFocus(grid, { column: 1, card: 11 }, 'down')).toEqual({ column: 1, card: 12 });
    expect(moveFocus(grid, { column: 1, card: 13 }, 'down')).toEqual({ column: 1, card: 13 });
    expect(moveFocus(grid, { column: 1, card: 11 }, 'up')).toEqual({ column: 1, card: 11 });
  });
  it('moves left and right at the same height, onto an empty column itself', () => {
    expect(moveFocus(grid, { column: 1, card: 13 }, 'right')).toEqual({ column: 2, card: 0 });
    expect(moveFocus(grid, { column: 2, card: 0 }, 'right')).toEqual({ column: 3, card: 31 });
    expect(moveFocus(grid, { column: 3, card: 31 }, 'right')).toEqual({ column: 3, card: 31 });
    expect(moveFocus(grid, { column: 3, card: 31 }, 'left')).toEqual({ column: 2, card: 0 });
    expect(moveFocus([{ id: 1, cards: [1, 2, 3] }, { id: 2, cards: [4] }], { column: 1, card: 3 }, 'right')).toEqual({ column: 2, card: 4 });
  });
  it('moves a card being moved one place at a time, and across columns', () => {
    expect(moveTarget(grid, { column: 1, index: 0 }, 'down')).toEqual({ column: 1, index: 1 });
    expect(moveTarget(grid, { column: 1, index: 3 }, 'down')).toEqual({ column: 1, index: 3 });
    expect(moveTarget(grid, { column: 1, index: 0 }, 'up')).toEqual({ column: 1, index: 0 });
    expect(moveTarget(grid, { column: 1, index: 2 }, 'right')).toEqual({ column: 2, index: 0 });
    expect(moveTarget(grid, { column: 2, index: 0 }, 'right')).toEqual({ column: 3, index: 0 });
    expect(moveTarget(grid, { column: 3, index: 1 }, 'left')).toEqual({ column: 2, index: 0 });
    expect(moveTarget(grid, { column: 1, index: 0 }, 'left')).toEqual({ column: 1, index: 0 });
  });
  it('reads the arrow keys', () => {
    expect(arrow('ArrowUp')).toBe('up');
    expect(arrow('ArrowRight')).toBe('right');
    expect(arrow('x')).toBeNull();
  });
});

describe('edgeSpeed', () => {
  it('scrolls back near the start, on near the end, faster closer to the edge', () => {
    expect(edgeSpeed(500, 0, 1000)).toBe(0);
    expect(edgeSpeed(40, 0, 1000)).toBeLessThan(0);
    expect(edgeSpeed(2, 0, 1000)).toBeLessThan(edgeSpeed(40, 0, 1000));
    expect(edgeSpeed(990, 0, 1000)).toBeGreaterThan(0);
    expect(edgeSpeed(-50, 0, 1000)).toBe(-18);
    expect(edgeSpeed(1200, 0, 1000)).toBe(18);
  });
  it('keeps a dead middle in a small area', () => {
    expect(edgeSpeed(50, 0, 100)).toBe(0);
  });
});
