// The plan board's state: the columns and their cards, the labels, the open card's detail.
// `board.changed` keeps it live: an event that carries a card puts that card where it now is
// (a move by the card's journey shows without a click); any other loads the board again.
// A move by hand shows at once and goes back if Go refuses it.

import { toApiError, type Api } from './api';
import { applyMove, columnsOf, findCard, upsertCard, type Column } from './board';
import type { BoardChanged, BoardFigures, CardDetail, CardInfo, CardPatch, LabelInfo, NewColumn } from './types';

export class BoardState {
  readonly api: Api;
  readonly #report: (err: unknown) => void;

  columns = $state.raw<Column[]>([]);
  labels = $state.raw<LabelInfo[]>([]);
  key = $state('');
  today = $state('');
  figures = $state.raw<BoardFigures | null>(null);
  loaded = $state(false);
  /** The card whose detail is open; null: none. */
  openId = $state<number | null>(null);
  detail = $state.raw<CardDetail | null>(null);

  #loading: Promise<void> | null = null;
  #again = false;
  #detailSeq = 0;

  constructor(api: Api, report: (err: unknown) => void) {
    this.api = api;
    this.#report = report;
  }

  /** Subscribes to board.changed and loads the board; returns the function that stops. */
  start(): () => void {
    const off = this.api.on('board.changed', (ev) => this.#changed(ev));
    void this.load();
    return off;
  }

  /** Loads the board; a call while a load is running makes it load once more after it. */
  load(): Promise<void> {
    if (this.#loading) {
      this.#again = true;
      return this.#loading;
    }
    this.#loading = (async () => {
      do {
        this.#again = false;
        try {
          const info = await this.api.Board();
          this.columns = columnsOf(info);
          this.labels = info.labels ?? [];
          this.key = info.key;
          this.today = info.today;
          this.figures = info.figures ?? null;
        } catch (err) {
          this.#report(err);
        }
      } while (this.#again);
      this.loaded = true;
      this.#loading = null;
    })();
    return this.#loading;
  }

  #changed(ev: BoardChanged): void {
    if (ev.what === 'card' && ev.card) {
      this.#put(ev.card);
      if (ev.card.id === this.openId) void this.#loadDetail();
      return;
    }
    void this.load();
    if (this.openId !== null) void this.#loadDetail();
  }

  /** Puts a card as Go now has it; loads the board when its column is unknown here. */
  #put(card: CardInfo): void {
    if (this.#loading) {
      // The board being loaded may be older than this card: load once more.
      this.#again = true;
      return;
    }
    const next = upsertCard(this.columns, card);
    if (next) this.columns = next;
    else void this.load();
  }

  /** Moves a card: at once on the screen, back where it was if Go refuses (then the board is loaded again). */
  async move(cardId: number, columnId: number, before: number, after: number): Promise<boolean> {
    const at = findCard(this.columns, cardId);
    const next = applyMove(this.columns, cardId, columnId, before, after);
    if (!at || !next) return false;
    const old = this.columns[at.col].cards[at.index];
    this.columns = next;
    try {
      this.#put(await this.api.MoveCard(cardId, columnId, before, after));
      return true;
    } catch (err) {
      const back = upsertCard(this.columns, old);
      if (back) this.columns = back;
      this.#report(err);
      void this.load();
      return false;
    }
  }

  /** Undoes the newest move by hand; returns the card moved back, or null. */
  async undo(): Promise<CardInfo | null> {
    try {
      const card = await this.api.UndoMove();
      this.#put(card);
      return card;
    } catch (err) {
      this.#report(err);
      return null;
    }
  }

  async addCard(columnId: number, title: string): Promise<CardInfo | null> {
    try {
      const card = await this.api.AddCard({ title, column_id: columnId });
      this.#put(card);
      return card;
    } catch (err) {
      this.#report(err);
      return null;
    }
  }

  // The open card.

  open(id: number | null): void {
    this.openId = id;
    this.detail = null;
    if (id !== null) void this.#loadDetail();
  }

  async #loadDetail(): Promise<void> {
    const id = this.openId;
    if (id === null) return;
    const seq = ++this.#detailSeq;
    try {
      const d = await this.api.CardDetail(id);
      if (seq === this.#detailSeq && this.openId === id) this.detail = d;
    } catch (err) {
      if (seq !== this.#detailSeq) return;
      if (toApiError(err).code === 'not_found') this.openId = null;
      this.#report(err);
    }
  }

  /** Runs a change to the open card, then shows the card and its detail as Go has them. */
  async #edit(call: () => Promise<unknown>): Promise<boolean> {
    try {
      const out = await call();
      if (out && typeof out === 'object' && 'column_id' in out && 'rank' in out) this.#put(out as CardInfo);
      await this.#loadDetail();
      return true;
    } catch (err) {
      this.#report(err);
      return false;
    }
  }

  updateCard(id: number, patch: CardPatch): Promise<boolean> {
    return this.#edit(() => this.api.UpdateCard(id, patch));
  }

  setLabels(id: number, labelIds: number[]): Promise<boolean> {
    return this.#edit(() => this.api.SetCardLabels(id, labelIds));
  }

  async addLabel(name: string, color: string): Promise<LabelInfo | null> {
    try {
      const label = await this.api.AddLabel(name, color);
      this.labels = [...this.labels.filter((l) => l.id !== label.id), label].sort((a, b) => a.name.localeCompare(b.name));
      return label;
    } catch (err) {
      this.#report(err);
      return null;
    }
  }

  addChecklistItem(cardId: number, text: string): Promise<boolean> {
    return this.#edit(() => this.api.AddChecklistItem(cardId, text));
  }

  toggleChecklistItem(itemId: number): Promise<boolean> {
    return this.#edit(() => this.api.ToggleChecklistItem(itemId));
  }

  removeChecklistItem(itemId: number): Promise<boolean> {
    return this.#edit(() => this.api.RemoveChecklistItem(itemId));
  }

  linkCommit(cardId: number, sha: string): Promise<boolean> {
    return this.#edit(() => this.api.LinkCommit(cardId, sha));
  }

  // Columns: the board.changed event that follows each change loads the board; loading here too
  // shows the change even when the event stream is down.

  async #column(call: () => Promise<unknown>): Promise<boolean> {
    try {
      await call();
      await this.load();
      return true;
    } catch (err) {
      this.#report(err);
      return false;
    }
  }

  addColumn(column: NewColumn): Promise<boolean> {
    return this.#column(() => this.api.AddColumn(column));
  }

  renameColumn(id: number, name: string): Promise<boolean> {
    return this.#column(() => this.api.RenameColumn(id, name));
  }

  setWIPLimit(id: number, limit: number): Promise<boolean> {
    return this.#column(() => this.api.SetWIPLimit(id, limit));
  }

  /** Moves a column one place left (-1) or right (+1). */
  shiftColumn(id: number, by: -1 | 1): Promise<boolean> {
    const ids = this.columns.map((c) => c.id);
    const i = ids.indexOf(id);
    const j = i + by;
    if (i < 0 || j < 0 || j >= ids.length) return Promise.resolve(false);
    const rest = ids.filter((x) => x !== id);
    // In the list without it, its new place is j: between rest[j-1] and rest[j].
    const left = j > 0 ? rest[j - 1] : 0;
    const right = j < rest.length ? rest[j] : 0;
    return this.#column(() => this.api.MoveColumn(id, left, right));
  }

  removeColumn(id: number, intoId: number): Promise<boolean> {
    return this.#column(() => this.api.RemoveColumn(id, intoId));
  }
}
