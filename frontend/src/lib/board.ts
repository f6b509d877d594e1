// The plan board's model as pure functions: cards in rank order, a card put where an event or a
// move says, the drop position of a drag, the quick filter, keyboard focus and due dates.

import type { BoardInfo, CardInfo, ColumnInfo, DueState } from './types';

/** A column whose cards are always an array, in rank order. */
export interface Column extends ColumnInfo {
  cards: Card[];
}

/** A card whose labels are always an array. */
export interface Card extends CardInfo {
  labels: NonNullable<CardInfo['labels']>;
}

/** Ranks sort bytewise (they are ASCII, so JavaScript's comparison agrees); ids break ties. */
export function byRank(a: Pick<CardInfo, 'rank' | 'id'>, b: Pick<CardInfo, 'rank' | 'id'>): number {
  if (a.rank < b.rank) return -1;
  if (a.rank > b.rank) return 1;
  return a.id - b.id;
}

export function toCard(card: CardInfo): Card {
  return card.labels ? (card as Card) : { ...card, labels: [] };
}

/** A column with its cards, its count and whether it is over its WIP limit recomputed. */
export function withCards(col: ColumnInfo, cards: Card[]): Column {
  return { ...col, cards, count: cards.length, over_limit: col.wip_limit > 0 && cards.length > col.wip_limit };
}

/** The board's columns as the model keeps them (null arrays made empty, cards in rank order). */
export function columnsOf(info: Pick<BoardInfo, 'columns'>): Column[] {
  return (info.columns ?? []).map((col) => {
    const cards = (col.cards ?? []).map(toCard);
    let sorted = true;
    for (let i = 1; i < cards.length && sorted; i++) sorted = byRank(cards[i - 1], cards[i]) <= 0;
    return { ...col, cards: sorted ? cards : cards.sort(byRank) };
  });
}

/** Where a card is: its column's index and its index there; null when it is not on the board. */
export function findCard(columns: Column[], id: number): { col: number; index: number } | null {
  for (let c = 0; c < columns.length; c++) {
    const i = columns[c].cards.findIndex((card) => card.id === id);
    if (i >= 0) return { col: c, index: i };
  }
  return null;
}

/**
 * Puts a card where it says it is (its column, in rank order), removing the copy it replaces.
 * Columns that do not change keep their identity. Null when the card's column is not on the
 * board (the board must be loaded again).
 */
export function upsertCard(columns: Column[], info: CardInfo): Column[] | null {
  const card = toCard(info);
  const to = columns.findIndex((c) => c.id === card.column_id);
  if (to < 0) return null;
  return columns.map((col, c) => {
    const has = col.cards.some((x) => x.id === card.id);
    if (c !== to && !has) return col;
    const rest = has ? col.cards.filter((x) => x.id !== card.id) : col.cards;
    if (c !== to) return withCards(col, rest);
    let at = rest.findIndex((x) => byRank(card, x) < 0);
    if (at < 0) at = rest.length;
    return withCards(col, [...rest.slice(0, at), card, ...rest.slice(at)]);
  });
}

/**
 * Moves a card on the screen before Go has answered: into column `toColumnId`, right below
 * `before` (the card that will be above it), else right above `after`, else at the end (the rules
 * of MoveCard). Its rank stays the old one until Go's answer brings the new one. Null when the
 * card or the column is not on the board.
 */
export function applyMove(columns: Column[], cardId: number, toColumnId: number, before: number, after: number): Column[] | null {
  const from = findCard(columns, cardId);
  const to = columns.findIndex((c) => c.id === toColumnId);
  if (!from || to < 0) return null;
  const old = columns[from.col].cards[from.index];
  const card: Card = { ...old, column_id: toColumnId, column: columns[to].name };
  return columns.map((col, c) => {
    if (c !== from.col && c !== to) return col;
    const rest = c === from.col ? col.cards.filter((x) => x.id !== cardId) : col.cards;
    if (c !== to) return withCards(col, rest);
    let at = rest.length;
    const b = before ? rest.findIndex((x) => x.id === before) : -1;
    const a = after ? rest.findIndex((x) => x.id === after) : -1;
    if (b >= 0) at = b + 1;
    else if (a >= 0) at = a;
    return withCards(col, [...rest.slice(0, at), card, ...rest.slice(at)]);
  });
}

/**
 * Where a dragged card lands in a column: the number of cards whose middle is above the
 * pointer. `mids` are the vertical middles of the column's cards as shown (the dragged card
 * left out), top to bottom. A placeholder that opens at the result pushes cards away from the
 * pointer, never across it, so the answer is stable while the pointer is still.
 */
export function dropIndex(mids: readonly number[], y: number): number {
  let n = 0;
  while (n < mids.length && mids[n] < y) n++;
  return n;
}

/** The MoveCard neighbours of position `index` in `ids` (the column's cards without the moved one): 0 for none. */
export function neighbours(ids: readonly number[], index: number): { before: number; after: number } {
  const i = Math.max(0, Math.min(index, ids.length));
  return { before: i > 0 ? ids[i - 1] : 0, after: i < ids.length ? ids[i] : 0 };
}

// The quick filter.

export interface CardFilter {
  /** Matches the key or the title, case aside. */
  text: string;
  /** A label id; 0: any. */
  label: number;
  /** An assignee, exactly; "": anyone; NOBODY: cards with no assignee. */
  assignee: string;
}

export const NOBODY = '\u0000nobody';

export const NO_FILTER: CardFilter = { text: '', label: 0, assignee: '' };

export function filterActive(f: CardFilter): boolean {
  return f.text.trim() !== '' || f.label !== 0 || f.assignee !== '';
}

export function matchesFilter(card: Card, f: CardFilter): boolean {
  const text = f.text.trim().toLowerCase();
  if (text && !card.title.toLowerCase().includes(text) && !card.key.toLowerCase().includes(text)) return false;
  if (f.label && !card.labels.some((l) => l.id === f.label)) return false;
  if (f.assignee === NOBODY) return card.assignee === '';
  if (f.assignee && card.assignee !== f.assignee) return false;
  return true;
}

/** The cards a column shows under a filter (the same array when nothing is filtered). */
export function visibleCards(cards: Card[], f: CardFilter): Card[] {
  return filterActive(f) ? cards.filter((c) => matchesFilter(c, f)) : cards;
}

/** Everyone who has a card, sorted. */
export function assigneesOf(columns: Column[]): string[] {
  const names = new Set<string>();
  for (const col of columns) for (const card of col.cards) if (card.assignee) names.add(card.assignee);
  return [...names].sort((a, b) => a.localeCompare(b));
}

// How a card looks.

/** "Ada Lovelace" → "AL", "ada" → "A", "ada@example.com" → "A". */
export function initials(name: string): string {
  const words = name
    .replace(/@.*$/, '')
    .split(/[\s._-]+/)
    .filter(Boolean);
  if (!words.length) return '';
  const first = words[0][0];
  const last = words.length > 1 ? words[words.length - 1][0] : '';
  return (first + last).toUpperCase();
}

/** The due date's tone: amber when due soon, red when overdue, none otherwise. */
export function dueTone(state: DueState | (string & {})): '' | 'warn' | 'fail' {
  if (state === 'overdue') return 'fail';
  if (state === 'due_soon') return 'warn';
  return '';
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2025-03-07" → "7 Mar", with the year when it is not `today`'s. */
export function formatDue(due: string, today: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(due);
  if (!m) return due;
  const short = `${Number(m[3])} ${MONTHS[Number(m[2]) - 1] ?? m[2]}`;
  return today.startsWith(m[1]) ? short : `${short} ${m[1]}`;
}

/** "3/5" or "" without a checklist. */
export function checklistText(card: Pick<CardInfo, 'checklist_done' | 'checklist_total'>): string {
  return card.checklist_total ? `${card.checklist_done}/${card.checklist_total}` : '';
}

/** The WIP pill: "4/3" with a limit, else the count. */
export function wipText(col: Pick<ColumnInfo, 'count' | 'wip_limit'>): string {
  return col.wip_limit > 0 ? `${col.count}/${col.wip_limit}` : String(col.count);
}

/** Black or white text, whichever reads better on a label colour. */
export function labelInk(color: string): string {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!m) return '#ffffff';
  const [r, g, b] = m.slice(1).map((h) => parseInt(h, 16) / 255);
  const lum = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return lum > 0.55 ? '#0d1117' : '#ffffff';
}

// Keyboard focus.

export type Direction = 'up' | 'down' | 'left' | 'right';

/** The cards each column shows, as ids, in board order. */
export interface GridColumn {
  id: number;
  cards: readonly number[];
}

/** The focused column and card (0: the column itself, when it shows no card). */
export interface Focus {
  column: number;
  card: number;
}

/**
 * Where focus goes from `focus` with an arrow key: up and down within the column (stopping at
 * its ends), left and right to the card at the same height in the next column (or the column
 * itself when it shows none). Without a focus (or one that is gone), the first card.
 */
export function moveFocus(grid: readonly GridColumn[], focus: Focus | null, dir: Direction): Focus | null {
  if (!grid.length) return null;
  const c = focus ? grid.findIndex((g) => g.id === focus.column) : -1;
  if (c < 0) return { column: grid[0].id, card: grid[0].cards[0] ?? 0 };
  const col = grid[c];
  const i = focus!.card ? col.cards.indexOf(focus!.card) : -1;
  if (dir === 'up' || dir === 'down') {
    if (!col.cards.length) return { column: col.id, card: 0 };
    if (i < 0) return { column: col.id, card: col.cards[0] };
    const j = Math.max(0, Math.min(col.cards.length - 1, i + (dir === 'up' ? -1 : 1)));
    return { column: col.id, card: col.cards[j] };
  }
  const next = grid[Math.max(0, Math.min(grid.length - 1, c + (dir === 'left' ? -1 : 1)))];
  if (!next.cards.length) return { column: next.id, card: 0 };
  const j = Math.min(Math.max(i, 0), next.cards.length - 1);
  return { column: next.id, card: next.cards[j] };
}

/** Where a card being moved (with `m` and the arrows, or dragged) would land. */
export interface DropTarget {
  column: number;
  /** Position among the column's shown cards, the moved card left out. */
  index: number;
}

/**
 * The next landing place of a card moved with the keyboard. `grid` lists the cards each column
 * shows without the moved one. Up and down step one place (0 … the number of cards), left and
 * right go to the next column at the same place or its end.
 */
export function moveTarget(grid: readonly GridColumn[], target: DropTarget, dir: Direction): DropTarget {
  const c = grid.findIndex((g) => g.id === target.column);
  if (c < 0) return target;
  if (dir === 'up' || dir === 'down') {
    const n = grid[c].cards.length;
    return { column: target.column, index: Math.max(0, Math.min(n, target.index + (dir === 'up' ? -1 : 1))) };
  }
  const next = grid[Math.max(0, Math.min(grid.length - 1, c + (dir === 'left' ? -1 : 1)))];
  return { column: next.id, index: Math.min(target.index, next.cards.length) };
}

/** The arrow keys, by KeyboardEvent.key. */
export function arrow(key: string): Direction | null {
  switch (key) {
    case 'ArrowUp':
      return 'up';
    case 'ArrowDown':
      return 'down';
    case 'ArrowLeft':
      return 'left';
    case 'ArrowRight':
      return 'right';
    default:
      return null;
  }
}

/**
 * How fast to scroll while dragging near an edge: negative within `edge` pixels of `start`,
 * positive within `edge` of `end`, faster the closer (up to `max` pixels a frame); 0 elsewhere.
 */
export function edgeSpeed(pos: number, start: number, end: number, edge = 48, max = 18): number {
  if (end - start < 3 * edge) edge = (end - start) / 3;
  if (pos < start + edge) return -Math.ceil((Math.min(edge, start + edge - pos) / edge) * max);
  if (pos > end - edge) return Math.ceil((Math.min(edge, pos - (end - edge)) / edge) * max);
  return 0;
}
