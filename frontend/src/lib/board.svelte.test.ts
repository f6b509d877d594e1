import { describe, expect, it } from 'vitest';
import { FakeBoard, FakeGo, card } from '../testing/fake';
import { BoardState } from './board.svelte';

const settle = () => new Promise((r) => setTimeout(r, 0));

function setup(fb = new FakeBoard([2, 1])) {
  const errors: unknown[] = [];
  const go = new FakeGo(fb.handlers());
  const board = new BoardState(go.api(), (err) => errors.push(err));
  return { go, board, fb, errors };
}

const keys = (board: BoardState, c: number) => board.columns[c].cards.map((x) => x.key);
const boardCalls = (go: FakeGo) => go.calls.filter((c) => c.method === 'Board').length;

describe('BoardState', () => {
  it('loads again when a card event comes while the board is loading (the reply may be older)', async () => {
    const { go, board, fb } = setup();
    board.start();
    const moved = fb.move(1, 2, 0, 0);
    go.emit('board.changed', { what: 'card', card: moved });
    await settle();
    await settle();
    expect(boardCalls(go)).toBe(2);
    expect(keys(board, 1)).toEqual(['#3', '#1']);
  });

  it('puts a card from an event in place, and loads the board for a column it does not know', async () => {
    const { go, board } = setup();
    board.start();
    await settle();
    go.emit('board.changed', { what: 'card', card: card({ id: 2, column_id: 3, column: 'Verified', rank: 'x' }) });
    expect(keys(board, 0)).toEqual(['#1']);
    expect(keys(board, 2)).toEqual(['#2']);
    expect(board.columns[0].count).toBe(1);
    go.emit('board.changed', { what: 'card', card: card({ id: 2, column_id: 42 }) });
    await settle();
    expect(boardCalls(go)).toBe(2);
  });

  it('fetches the open card again when an event changes it', async () => {
    const { go, board, fb } = setup();
    board.start();
    await settle();
    board.open(1);
    await settle();
    expect(board.detail?.card.column).toBe('Plan');
    go.emit('board.changed', { what: 'card', card: fb.move(1, 2, 0, 0) });
    await settle();
    expect(board.detail?.card.column).toBe('Code');
    expect(board.detail?.transitions?.map((t) => t.to_column)).toEqual(['Plan', 'Code']);
    go.emit('board.changed', { what: 'card', card: fb.move(2, 2, 0, 0) });
    await settle();
    expect(go.calls.filter((c) => c.method === 'CardDetail')).toHaveLength(2);
  });

  it('reports a refused undo and changes nothing', async () => {
    const { board, errors } = setup();
    board.start();
    await settle();
    const before = board.columns;
    expect(await board.undo()).toBeNull();
    expect(errors).toHaveLength(1);
    expect(board.columns).toBe(before);
  });
});
