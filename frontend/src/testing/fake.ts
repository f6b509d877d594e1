// A stand-in for the Go side in tests: answers calls from a table and emits events on demand.

import { Api, type Connection, type Transport } from '../lib/api';
import type {
  BoardFigures,
  CIExport,
  BoardInfo,
  CardDetail,
  CardFigures,
  EnvironmentInfo,
  CardInfo,
  CardPatch,
  ChecklistItemInfo,
  ColumnInfo,
  DeployInfo,
  DeployOptions,
  DeployStep,
  EventMap,
  LabelInfo,
  LinkInfo,
  NewCard,
  NewColumn,
  TransitionInfo,
  FlakyInfo,
  LogChunk,
  ProjectInfo,
  ArtifactInfo,
  ReleaseEntry,
  ReleaseInfo,
  ReleaseOptions,
  ReleasePreview,
  RunInfo,
  RunInsights,
  StepInfo,
  TargetInfo,
  TestDetail,
  TestOutcome,
  TestResultInfo,
  Topic,
  WatchState,
} from '../lib/types';

type Handler = (...args: unknown[]) => unknown;

export class FakeGo implements Transport {
  readonly calls: { method: string; args: unknown[] }[] = [];
  readonly opened: string[] = [];
  #handlers: Record<string, Handler>;
  #subs = new Map<string, Set<(payload: unknown) => void>>();
  #watchers = new Set<(state: Connection) => void>();

  constructor(handlers: Record<string, Handler>) {
    this.#handlers = handlers;
  }

  async call(method: string, args: unknown[]): Promise<unknown> {
    this.calls.push({ method, args });
    const h = this.#handlers[method];
    if (!h) throw { code: 'not_found', message: `no fake for ${method}` };
    return h(...args);
  }

  on(topic: string, cb: (payload: unknown) => void): () => void {
    if (!this.#subs.has(topic)) this.#subs.set(topic, new Set());
    this.#subs.get(topic)!.add(cb);
    return () => this.#subs.get(topic)!.delete(cb);
  }

  onConnection(cb: (state: Connection) => void): () => void {
    this.#watchers.add(cb);
    cb('open');
    return () => this.#watchers.delete(cb);
  }

  openURL(url: string): void {
    this.opened.push(url);
  }

  emit<T extends Topic>(topic: T, payload: EventMap[T]): void {
    for (const cb of this.#subs.get(topic) ?? []) cb(payload);
  }

  setConnection(state: Connection): void {
    for (const w of this.#watchers) w(state);
  }

  api(): Api {
    return new Api(this);
  }
}

export function project(over: Partial<ProjectInfo> = {}): ProjectInfo {
  return {
    path: '/home/dev/demo',
    name: 'demo',
    branch: 'main',
    commit: '0123456789abcdef0123456789abcdef01234567',
    dirty: false,
    isGit: true,
    configSource: 'eightfold.yaml',
    configError: '',
    demo: false,
    steps: [],
    places: [
      { id: 'plan', title: 'Plan', ready: false, note: 'The plan board has not landed yet.' },
      { id: 'code', title: 'Code', ready: false, note: 'The code view has not landed yet.' },
      { id: 'build', title: 'Build & Test', ready: true, note: '' },
      { id: 'release', title: 'Release', ready: false, note: 'Releases have not landed yet.' },
      { id: 'deploy', title: 'Deploy', ready: false, note: 'Deploys have not landed yet.' },
      { id: 'operate', title: 'Operate', ready: false, note: 'Operate has not landed yet.' },
      { id: 'monitor', title: 'Monitor', ready: false, note: 'Monitoring has not landed yet.' },
    ],
    ...over,
  };
}

export function step(over: Partial<StepInfo> = {}): StepInfo {
  return {
    id: 1,
    name: 'build',
    command: 'go build ./...',
    status: 'passed',
    exit_code: 0,
    started_at: '2025-01-01T10:00:00.000Z',
    duration_ms: 1200,
    log_bytes: 42,
    truncated: false,
    ...over,
  };
}

export function run(over: Partial<RunInfo> = {}): RunInfo {
  return {
    id: 1,
    project: '/home/dev/demo',
    status: 'passed',
    trigger: 'manual',
    name: '',
    commit: '0123456789abcdef0123456789abcdef01234567',
    branch: 'main',
    dirty: false,
    started_at: new Date(Date.now() - 60_000).toISOString(),
    finished_at: new Date().toISOString(),
    duration_ms: 3400,
    error: '',
    reason: '',
    changed_files: [],
    changed_count: 0,
    scope: null,
    steps: [step()],
    tests: { total: 0, passed: 0, failed: 0, skipped: 0, flaky: 0 },
    ...over,
  };
}

export function chunk(seq: number, text: string, stream: LogChunk['stream'] = 'stdout'): LogChunk {
  return { seq, ts: 0, stream, text };
}

export function watchState(over: Partial<WatchState> = {}): WatchState {
  return { watching: true, dirs: 12, auto: true, pending: 0, loop: '', error: '', ...over };
}

export function testResult(over: Partial<TestResultInfo> = {}): TestResultInfo {
  return {
    id: 1,
    run_id: 1,
    step_id: 1,
    test_id: 1,
    suite: 'example.com/shop/cart',
    name: 'TestAdd',
    status: 'passed',
    duration_ms: 12,
    attempts: 1,
    flaky: false,
    message: '',
    file: '',
    line: 0,
    flaky_history: null,
    ...over,
  };
}

export function outcome(over: Partial<TestOutcome> = {}): TestOutcome {
  return {
    run_id: 1,
    result_id: 1,
    status: 'passed',
    duration_ms: 12,
    flaky: false,
    commit: '0123456789abcdef0123456789abcdef01234567',
    started_at: '2025-01-01T10:00:00.000Z',
    ...over,
  };
}

export function testDetail(over: Partial<TestDetail> = {}): TestDetail {
  const result = over.result ?? testResult();
  return {
    result,
    output: '',
    history: [outcome({ run_id: result.run_id, result_id: result.id, status: result.status, duration_ms: result.duration_ms })],
    last_passed_run: result.status === 'passed' ? result.run_id : 0,
    failing_since: 0,
    median_ms: 0,
    ...over,
  };
}

export function insights(over: Partial<RunInsights> = {}): RunInsights {
  return {
    run_id: 1,
    last_green: null,
    last_red: null,
    newly_failing: [],
    fixed: [],
    slowest: [],
    regressions: [],
    since_green: null,
    ...over,
  };
}

export function flakyInfo(over: Partial<FlakyInfo> = {}): FlakyInfo {
  return {
    test_id: 1,
    suite: 'example.com/shop/net',
    name: 'TestReconnect',
    reasons: ['flips'],
    evidence: [2, 3, 4],
    flips: 3,
    failures: 2,
    last_run: 4,
    ...over,
  };
}

// The plan board.

export function label(over: Partial<LabelInfo> = {}): LabelInfo {
  return { id: 1, name: 'bug', color: '#d73a4a', ...over };
}

export function card(over: Partial<CardInfo> = {}): CardInfo {
  const id = over.id ?? 1;
  return {
    id,
    number: id,
    key: `#${over.number ?? id}`,
    title: `Card ${id}`,
    assignee: '',
    due: '',
    due_state: '',
    column_id: 1,
    column: 'Plan',
    rank: `r${String(id).padStart(4, '0')}`,
    stage: 'plan',
    failure: '',
    labels: [],
    checklist_done: 0,
    checklist_total: 0,
    created_at: '2025-01-01T10:00:00.000Z',
    updated_at: '2025-01-01T10:00:00.000Z',
    entered_at: '2025-01-01T10:00:00.000Z',
    ...over,
  };
}

export function column(over: Partial<ColumnInfo> = {}): ColumnInfo {
  const cards = over.cards ?? [];
  return {
    id: 1,
    name: 'Plan',
    category: 'backlog',
    stage: 'plan',
    wip_limit: 0,
    count: cards.length,
    over_limit: false,
    cards,
    ...over,
  };
}

/** The default columns of a new board, ids 1…7. */
export const LOOP: [string, ColumnInfo['category'], string][] = [
  ['Plan', 'backlog', 'plan'],
  ['Code', 'started', 'code'],
  ['Verified', 'started', 'verified'],
  ['Released', 'started', 'released'],
  ['Staging', 'started', 'staging'],
  ['Production', 'done', 'production'],
  ['Canceled', 'canceled', 'canceled'],
];

/**
 * A board that answers the board methods like Go would, in memory: cards ranked by strings,
 * moves between neighbours, undo of the last move by hand, a transition log.
 */
export class FakeBoard {
  key = '';
  today = '2025-03-10';
  figures: BoardFigures = {
    weeks: [
      { year: 2025, week: 10, start: '2025-03-03', cards: 1 },
      { year: 2025, week: 11, start: '2025-03-10', cards: 3 },
    ],
    delivered: 4,
    median_cycle_time_ms: 2 * 86_400_000 + 3 * 3_600_000,
  };
  environments: EnvironmentInfo[] = [{ env: 'staging', version: 'v1.4.0', at: '2025-03-10T08:00:00Z' }];
  cardFigures: CardFigures = {
    age_ms: 5 * 86_400_000,
    time_in_column_ms: 90 * 60_000,
    started: true,
    started_at: '2025-03-06T10:00:00Z',
    delivered: false,
    delivered_at: '',
    lead_time_ms: null,
    cycle_time_ms: null,
  };
  columns: ColumnInfo[];
  labels: LabelInfo[] = [label({ id: 1, name: 'bug', color: '#d73a4a' }), label({ id: 2, name: 'ui', color: '#a2eeef' })];
  cards: CardInfo[] = [];
  descriptions = new Map<number, string>();
  checklists = new Map<number, ChecklistItemInfo[]>();
  links = new Map<number, LinkInfo[]>();
  transitions: (TransitionInfo & { card_id: number; from_rank: string })[] = [];
  #next = 1;
  #nextItem = 1;
  /** Set to make the next MoveCard fail with this error. */
  failNextMove: { code: string; message: string } | null = null;

  constructor(cardsPerColumn: number[] = []) {
    this.columns = LOOP.map(([name, category, stage], i) => column({ id: i + 1, name, category, stage, cards: [] }));
    cardsPerColumn.forEach((n, c) => {
      for (let k = 0; k < n; k++) this.add({ title: `Card in ${this.columns[c].name} ${k + 1}`, column_id: this.columns[c].id });
    });
  }

  #col(id: number): ColumnInfo {
    const col = this.columns.find((c) => c.id === id);
    if (!col) throw { code: 'not_found', message: `column ${id} is not on this board` };
    return col;
  }

  #card(id: number): CardInfo {
    const c = this.cards.find((x) => x.id === id);
    if (!c) throw { code: 'not_found', message: `card ${id} is not on this board` };
    return c;
  }

  #in(columnId: number): CardInfo[] {
    return this.cards.filter((c) => c.column_id === columnId).sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0));
  }

  /** Who moves cards by hand, as the Go side records it (creations record no one). */
  mover = 'Ann Lee <ann@example.com>';

  #log(card: CardInfo, fromColumn: number, fromRank: string, cause = 'user'): void {
    this.transitions.push({
      id: this.transitions.length + 1,
      card_id: card.id,
      from_column_id: fromColumn,
      from_column: fromColumn ? this.#col(fromColumn).name : '',
      to_column_id: card.column_id,
      to_column: card.column,
      from_stage: '',
      to_stage: '',
      cause_kind: cause,
      cause_ref: cause === 'user' && fromColumn ? this.mover : '',
      at: '2025-03-10T09:00:00.000Z',
      undone: false,
      from_rank: fromRank,
    });
  }

  add(n: NewCard): CardInfo {
    if (!n.title.trim()) throw { code: 'bad_request', message: 'a card needs a title' };
    const col = this.#col(n.column_id || 1);
    const last = this.#in(col.id).pop();
    const id = this.#next++;
    const c = card({
      id,
      title: n.title,
      column_id: col.id,
      column: col.name,
      rank: between(last?.rank ?? '', ''),
      assignee: n.assignee ?? '',
      due: n.due ?? '',
      labels: this.labels.filter((l) => n.label_ids?.includes(l.id)),
    });
    this.cards.push(c);
    this.descriptions.set(id, n.description ?? '');
    this.#log(c, 0, '');
    return c;
  }

  move(id: number, columnId: number, before: number, after: number): CardInfo {
    if (this.failNextMove) {
      const err = this.failNextMove;
      this.failNextMove = null;
      throw err;
    }
    const c = this.#card(id);
    const col = this.#col(columnId);
    const others = this.#in(columnId).filter((x) => x.id !== id);
    const rankOf = (n: number) => {
      const x = others.find((o) => o.id === n);
      if (!x) throw { code: 'conflict', message: `card ${n} is not in column ${col.name}: reload and try again` };
      return x.rank;
    };
    let lo = '';
    let hi = '';
    if (before) {
      lo = rankOf(before);
      hi = after ? rankOf(after) : (others.find((o) => o.rank > lo)?.rank ?? '');
    } else if (after) {
      hi = rankOf(after);
      lo = [...others].reverse().find((o) => o.rank < hi)?.rank ?? '';
    } else lo = others.at(-1)?.rank ?? '';
    const from = c.column_id;
    const fromRank = c.rank;
    Object.assign(c, { column_id: col.id, column: col.name, rank: between(lo, hi) });
    this.#log(c, from, fromRank);
    return { ...c };
  }

  undo(): CardInfo {
    const t = [...this.transitions].reverse().find((x) => x.cause_kind === 'user' && x.from_column_id && !x.undone);
    if (!t) throw { code: 'conflict', message: 'there is no move to undo' };
    t.undone = true;
    const c = this.#card(t.card_id);
    const col = this.#col(t.from_column_id);
    Object.assign(c, { column_id: col.id, column: col.name, rank: t.from_rank });
    this.#log(c, t.to_column_id, '', 'undo');
    return { ...c };
  }

  board(): BoardInfo {
    return {
      key: this.key,
      today: this.today,
      figures: this.figures,
      labels: this.labels,
      columns: this.columns.map((col) => {
        const cards = this.#in(col.id).map((c) => ({ ...c }));
        return { ...col, cards, count: cards.length, over_limit: col.wip_limit > 0 && cards.length > col.wip_limit };
      }),
    };
  }

  detail(id: number): CardDetail {
    const c = this.#card(id);
    const checklist = this.checklists.get(id) ?? [];
    return {
      card: { ...c, checklist_done: checklist.filter((i) => i.done).length, checklist_total: checklist.length },
      description: this.descriptions.get(id) ?? '',
      description_html: this.descriptions.get(id) ? `<p>${this.descriptions.get(id)}</p>` : '',
      checklist,
      links: this.links.get(id) ?? [],
      transitions: this.transitions.filter((t) => t.card_id === id),
      figures: this.cardFigures,
      environments: this.environments,
    };
  }

  /** The API methods, for FakeGo. */
  handlers(): Record<string, Handler> {
    const methods = {
      Board: () => this.board(),
      AddCard: (n: NewCard) => this.add(n),
      MoveCard: (id: number, col: number, before: number, after: number) => this.move(id, col, before, after),
      UndoMove: () => this.undo(),
      CardDetail: (id: number) => this.detail(id),
      UpdateCard: (id: number, patch: CardPatch) => Object.assign(this.#card(id), patch),
      SetCardLabels: (id: number, ids: number[]) =>
        Object.assign(this.#card(id), { labels: this.labels.filter((l) => ids.includes(l.id)) }),
      AddLabel: (name: string, color: string) => {
        const l = label({ id: this.labels.length + 1, name, color: color || '#888888' });
        this.labels.push(l);
        return l;
      },
      AddChecklistItem: (cardId: number, text: string) => {
        const item = { id: this.#nextItem++, card_id: cardId, text, done: false };
        this.checklists.set(cardId, [...(this.checklists.get(cardId) ?? []), item]);
        return item;
      },
      ToggleChecklistItem: (itemId: number) => {
        for (const items of this.checklists.values()) {
          const it = items.find((i) => i.id === itemId);
          if (it) {
            it.done = !it.done;
            return it;
          }
        }
        throw { code: 'not_found', message: 'no such item' };
      },
      RemoveChecklistItem: (itemId: number) => {
        for (const [k, items] of this.checklists) this.checklists.set(k, items.filter((i) => i.id !== itemId));
        return null;
      },
      LinkCommit: (cardId: number, sha: string) => {
        const l: LinkInfo = { kind: 'commit', ref: sha.padEnd(40, '0'), closing: true, title: 'a commit', at: '2025-03-10T09:00:00.000Z' };
        this.links.set(cardId, [...(this.links.get(cardId) ?? []), l]);
        return l;
      },
      SetWIPLimit: (id: number, limit: number) => Object.assign(this.#col(id), { wip_limit: limit }),
      RenameColumn: (id: number, name: string) => Object.assign(this.#col(id), { name }),
      AddColumn: (n: NewColumn) => {
        const col = column({ id: this.columns.length + 1, name: n.name, category: n.category, stage: '', cards: [] });
        this.columns.push(col);
        return col;
      },
      MoveColumn: (id: number, before: number, after: number) => {
        const col = this.#col(id);
        const rest = this.columns.filter((c) => c !== col);
        const at = before ? rest.findIndex((c) => c.id === before) + 1 : after ? rest.findIndex((c) => c.id === after) : rest.length;
        rest.splice(at, 0, col);
        this.columns = rest;
        return col;
      },
      RemoveColumn: (id: number, into: number) => {
        for (const c of this.cards.filter((x) => x.column_id === id)) this.move(c.id, into, 0, 0);
        this.columns = this.columns.filter((c) => c.id !== id);
        return null;
      },
    };
    // Each method takes the arguments its API method is called with.
    return methods as unknown as Record<string, Handler>;
  }
}

/** A rank strictly between two ("" is the open end): fixed-width decimals, which sort bytewise. */
export function between(lo: string, hi: string): string {
  return ((Number(lo || 0) + Number(hi || 1)) / 2).toFixed(12);
}

// CI.

/** A preview of the GitHub Actions export of a new file; over changes any field. */
export function ciExport(over: Partial<CIExport> = {}): CIExport {
  return {
    engine: 'github-actions',
    path: '.github/workflows/eightfold.yml',
    content: 'name: eightfold\non: push\n',
    status: 'new',
    diff: '',
    notes: [],
    existing: '',
    written: false,
    ...over,
  };
}

// Releases.

export function artifact(over: Partial<ArtifactInfo> = {}): ArtifactInfo {
  return { step: 'build', pattern: 'bin/app', path: 'bin/app', size: 5_242_880, sha256: '', ...over };
}

export function releaseEntry(over: Partial<ReleaseEntry> = {}): ReleaseEntry {
  const sha = over.sha ?? 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
  return { sha, short: sha.slice(0, 7), subject: 'add the pay button', type: 'feat', breaking: false, cards: [], ...over };
}

export function releasePreview(over: Partial<ReleasePreview> = {}): ReleasePreview {
  return {
    head: '0123456789abcdef0123456789abcdef01234567',
    last_tag: 'v1.2.0',
    last_version: '1.2.0',
    commits: 2,
    release: true,
    version: '1.3.0',
    tag: 'v1.3.0',
    bump: 'minor',
    reason: 'feat: in 1 commit',
    changelog: '## v1.3.0\n\n### Features\n\n- add the pay button (a1b2c3d)\n',
    changelog_html: '<h2>v1.3.0</h2><h3>Features</h3><ul><li>add the pay button (<code>a1b2c3d</code>)</li></ul>',
    entries: [
      releaseEntry({ cards: ['APP-1'] }),
      releaseEntry({ sha: 'b2c3d4e5f60718293a4b5c6d7e8f9012345678a1', subject: 'round prices', type: 'fix' }),
    ],
    dirty: false,
    run: { id: 7, status: 'passed' },
    artifacts: [artifact()],
    cards: ['APP-1'],
    blockers: [],
    ...over,
  };
}

export function releaseInfo(over: Partial<ReleaseInfo> = {}): ReleaseInfo {
  return {
    id: 1,
    version: '1.2.0',
    tag: 'v1.2.0',
    commit: 'fedcba9876543210fedcba9876543210fedcba98',
    run_id: 5,
    dirty: false,
    bump: 'minor',
    reason: 'feat: in 2 commits',
    changelog: '## v1.2.0\n',
    changelog_html: '<h2>v1.2.0</h2>',
    artifacts: [artifact({ sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' })],
    cards: [],
    created_at: '2025-03-01T10:00:00.000Z',
    dry_run: false,
    changelog_commit: '',
    ...over,
  };
}

const LEVELS = ['major', 'minor', 'patch'];

/**
 * Releases like Go makes them, in memory: the preview answers for each bump (an explicit version
 * must be newer than the last), Release refuses while blockers remain (`dirty` can be allowed),
 * a release is recorded newest first and leaves nothing to release.
 */
export class FakeRelease {
  preview: ReleasePreview;
  releases: ReleaseInfo[];
  #next: number;

  constructor(preview: ReleasePreview = releasePreview(), releases: ReleaseInfo[] = [releaseInfo()]) {
    this.preview = preview;
    this.releases = releases;
    this.#next = Math.max(0, ...releases.map((r) => r.id)) + 1;
  }

  /** The preview for a bump ("" from the commits). */
  previewFor(bump: string): ReleasePreview {
    const p = this.preview;
    if (!bump || !p.release) return { ...p };
    const [maj, min, pat] = (p.last_version || '0.0.0').split('.').map(Number);
    let version: string;
    if (LEVELS.includes(bump)) {
      version = bump === 'major' ? `${maj + 1}.0.0` : bump === 'minor' ? `${maj}.${min + 1}.0` : `${maj}.${min}.${pat + 1}`;
    } else {
      version = bump.replace(/^v/, '');
      const [a, b, c] = version.split('.').map(Number);
      if ([a, b, c].some(Number.isNaN)) throw { code: 'bad_request', message: `"${bump}" is not a version` };
      if (a * 1e6 + b * 1e3 + c <= maj * 1e6 + min * 1e3 + pat) {
        throw { code: 'bad_request', message: `version ${version} is not newer than ${p.last_version}` };
      }
    }
    return { ...p, version, tag: `v${version}`, bump: LEVELS.includes(bump) ? bump : 'version', reason: `manual: --bump ${bump}` };
  }

  release(opts: ReleaseOptions): ReleaseInfo {
    const p = this.previewFor(opts.bump);
    const left = (p.blockers ?? []).filter((b) => !(opts.allow_dirty && b.code === 'dirty'));
    if (left.length) throw { code: 'conflict', message: `cannot release: ${left.map((b) => b.message).join('; ')}` };
    if (!p.release) throw { code: 'conflict', message: 'cannot release: nothing to release' };
    const dirty = opts.allow_dirty && p.dirty;
    const info = releaseInfo({
      id: opts.dry_run ? 0 : this.#next++,
      version: dirty && !p.version.includes('+dirty') ? `${p.version}+dirty` : p.version,
      tag: dirty && !p.tag.includes('+dirty') ? `${p.tag}+dirty` : p.tag,
      commit: p.head,
      run_id: p.run?.id ?? 0,
      dirty,
      bump: p.bump,
      reason: p.reason,
      changelog: p.changelog,
      changelog_html: p.changelog_html,
      artifacts: (p.artifacts ?? []).map((a) => ({ ...a, sha256: 'ab'.repeat(32) })),
      cards: p.cards,
      created_at: new Date().toISOString(),
      dry_run: opts.dry_run,
    });
    if (!opts.dry_run) {
      this.releases = [info, ...this.releases];
      this.preview = {
        ...p,
        last_tag: info.tag,
        last_version: info.version,
        commits: 0,
        release: false,
        version: '',
        tag: '',
        bump: '',
        reason: 'nothing since the last release',
        changelog: '',
        changelog_html: '',
        entries: [],
        cards: [],
        blockers: [{ code: 'nothing_to_release', message: `nothing to release since ${info.tag}` }],
      };
    }
    return info;
  }

  /** The API methods, for FakeGo. */
  handlers(): Record<string, Handler> {
    const methods = {
      ReleasePreview: (bump: string) => this.previewFor(bump),
      Release: (opts: ReleaseOptions) => this.release(opts),
      Releases: () => this.releases.map((r) => ({ ...r })),
    };
    return methods as unknown as Record<string, Handler>;
  }
}

// Deploys.

export function deployStep(over: Partial<DeployStep> = {}): DeployStep {
  return { name: 'lock', status: 'passed', detail: '', done: 0, total: 0, ...over };
}

export function deployInfo(over: Partial<DeployInfo> = {}): DeployInfo {
  return {
    id: 1,
    target: 'staging',
    kind: 'deploy',
    release_id: 1,
    version: '1.2.0',
    commit: 'fedcba9876543210fedcba9876543210fedcba98',
    who: 'dev@laptop',
    host: 'deploy@203.0.113.10:22',
    status: 'succeeded',
    failure: '',
    host_key: '',
    release_dir: '20250301T100000Z-1.2.0',
    rolled_back: false,
    uploaded: 1,
    linked: 0,
    uploaded_bytes: 5_242_880,
    total_bytes: 5_242_880,
    steps: [],
    log: '',
    started_at: '2025-03-01T11:00:00.000Z',
    finished_at: '2025-03-01T11:00:12.000Z',
    ...over,
  };
}

/** A target as eightfold.yaml has it, with nothing deployed. */
export function targetInfo(over: Partial<TargetInfo> = {}): TargetInfo {
  return {
    name: 'staging',
    kind: 'ssh',
    host: 'deploy@203.0.113.10:22',
    path: '/srv/app',
    production: false,
    promote_from: '',
    health_url: 'http://127.0.0.1:8080/healthz',
    current: null,
    last: null,
    ...over,
  };
}

/** staging (ssh) and production (promotes from staging), as a config would list them. */
export function stagingAndProduction(): TargetInfo[] {
  return [
    targetInfo(),
    targetInfo({ name: 'production', host: 'deploy@203.0.113.20:22', production: true, promote_from: 'staging', health_url: 'https://example.com/healthz' }),
  ];
}

type GoError = { code: string; message: string };

/**
 * Deploys like Go runs them, in memory: Start* refuse what Go refuses (production without a
 * yes, no release, a dirty release to production, nothing to promote) and record a running
 * deploy; the test drives it on with step(), progress() and finish(), each sent as a
 * deploy.updated event to the FakeGo it is attached to. Targets() works out what each target
 * runs from the deploys, like Go.
 */
export class FakeDeploy {
  targets: TargetInfo[];
  releases: ReleaseInfo[];
  /** Newest first. */
  deploys: DeployInfo[];
  /** Fingerprints trusted with TrustHostKey, as "target fingerprint". */
  trusted: string[] = [];
  /** Set to make the next Start* fail with this error (then it is cleared). */
  refuse: GoError | null = null;
  #go: FakeGo | null = null;
  #next: number;

  constructor(targets: TargetInfo[] = stagingAndProduction(), releases: ReleaseInfo[] = [releaseInfo()], deploys: DeployInfo[] = []) {
    this.targets = targets.map((t) => ({ ...t, current: null, last: null }));
    this.releases = releases;
    this.deploys = [...deploys].sort((a, b) => b.id - a.id);
    this.#next = Math.max(0, ...deploys.map((d) => d.id)) + 1;
  }

  /** Sends deploy.updated events through this FakeGo; returns it. */
  attach(go: FakeGo): FakeGo {
    this.#go = go;
    return go;
  }

  #target(name: string): TargetInfo {
    const t = this.targets.find((x) => x.name === name);
    if (!t) throw { code: 'not_found', message: `there is no target "${name}" in eightfold.yaml` };
    return t;
  }

  #deploy(id: number): DeployInfo {
    const d = this.deploys.find((x) => x.id === id);
    if (!d) throw { code: 'not_found', message: `deploy ${id} does not exist` };
    return d;
  }

  #refused(): void {
    if (this.refuse) {
      const err = this.refuse;
      this.refuse = null;
      throw err;
    }
  }

  current(target: string): DeployInfo | null {
    return this.deploys.find((d) => d.target === target && d.status === 'succeeded') ?? null;
  }

  #record(target: TargetInfo, kind: string, release: ReleaseInfo | null): DeployInfo {
    const d = deployInfo({
      id: this.#next++,
      target: target.name,
      kind,
      release_id: release?.id ?? 0,
      version: release?.version ?? '',
      commit: release?.commit ?? '',
      host: target.kind === 'local' ? 'local' : target.host,
      status: 'running',
      release_dir: '',
      uploaded: 0,
      uploaded_bytes: 0,
      total_bytes: 0,
      steps: [],
      log: '',
      started_at: new Date().toISOString(),
      finished_at: '',
    });
    this.deploys = [d, ...this.deploys];
    this.#emit(d);
    return { ...d };
  }

  deploy(opts: DeployOptions, kind = 'deploy'): DeployInfo {
    this.#refused();
    const t = this.#target(opts.target);
    const r = opts.release ? this.releases.find((x) => x.version === opts.release || x.tag === opts.release) : this.releases[0];
    if (!r) {
      if (!opts.release) throw { code: 'conflict', message: 'there is no release to deploy yet: make one in the Release view or with `eightfold release`' };
      throw { code: 'not_found', message: `there is no release ${opts.release} (see \`eightfold releases\`)` };
    }
    if (t.production && r.dirty) throw { code: 'conflict', message: `${r.tag} is a build of uncommitted changes: it can never go to production (${t.name})` };
    if (t.production && !opts.confirm) throw { code: 'conflict', message: `${t.name} is production: confirm the deploy of ${r.tag}` };
    return this.#record(t, kind, r);
  }

  promote(from: string, to: string, confirm: boolean): DeployInfo {
    this.#refused();
    const t = this.#target(to);
    if (t.promote_from && t.promote_from !== from) throw { code: 'conflict', message: `${to} takes its releases from ${t.promote_from} (promote_from), not from ${from}` };
    const cur = this.current(from);
    if (!cur) throw { code: 'conflict', message: `${from} has no healthy release to promote: deploy to it first` };
    return this.deploy({ target: to, release: cur.version, force_unlock: false, confirm }, 'promote');
  }

  rollback(target: string, confirm: boolean): DeployInfo {
    this.#refused();
    const t = this.#target(target);
    if (t.production && !confirm) throw { code: 'conflict', message: `${target} is production: confirm the rollback` };
    return this.#record(t, 'rollback', null);
  }

  /** Moves a running deploy on: a step starts, passes or fails (matched by name). */
  step(id: number, step: Partial<DeployStep> & { name: string }): DeployInfo {
    const d = this.#deploy(id);
    const s = deployStep({ status: 'running', ...step });
    const steps = d.steps ?? [];
    const at = steps.findIndex((x) => x.name === s.name);
    d.steps = at < 0 ? [...steps, s] : steps.map((x, i) => (i === at ? s : x));
    d.log += s.detail ? `[${s.name}] ${s.detail}\n` : '';
    return this.#emit(d);
  }

  /** The upload's bytes so far. */
  progress(id: number, done: number, total: number): DeployInfo {
    return this.step(id, { name: 'upload', status: 'running', done, total });
  }

  /** Ends a deploy: succeeded, or failed with the fields given (failure, host_key, rolled_back, log…). */
  finish(id: number, status: 'succeeded' | 'failed', over: Partial<DeployInfo> = {}): DeployInfo {
    const d = this.#deploy(id);
    if (d.kind === 'rollback' && !d.version) {
      // Back to the release the target ran before the one it runs.
      const now = this.current(d.target);
      d.version = this.deploys.find((x) => x.target === d.target && x.status === 'succeeded' && x.id !== now?.id)?.version ?? '';
    }
    Object.assign(d, { status, finished_at: new Date(Date.parse(d.started_at) + 4200).toISOString() }, over);
    return this.#emit(d);
  }

  #emit(d: DeployInfo): DeployInfo {
    const copy = { ...d, steps: [...(d.steps ?? [])] };
    this.#go?.emit('deploy.updated', copy);
    return copy;
  }

  targetList(): TargetInfo[] {
    return this.targets.map((t) => ({
      ...t,
      current: this.current(t.name),
      last: this.deploys.find((d) => d.target === t.name) ?? null,
    }));
  }

  /** The API methods, for FakeGo. */
  handlers(): Record<string, Handler> {
    const methods = {
      Targets: () => this.targetList(),
      StartDeploy: (opts: DeployOptions) => this.deploy(opts),
      StartPromote: (from: string, to: string, confirm: boolean) => this.promote(from, to, confirm),
      StartRollback: (target: string, confirm: boolean) => this.rollback(target, confirm),
      Deploys: (target: string, limit: number) =>
        this.deploys.filter((d) => !target || d.target === target).slice(0, limit || 50).map((d) => ({ ...d })),
      GetDeploy: (id: number) => ({ ...this.#deploy(id) }),
      TrustHostKey: (target: string, fingerprint: string) => {
        const t = this.#target(target);
        if (t.kind === 'local') throw { code: 'bad_request', message: `${target} is a local target: it has no host key` };
        this.trusted.push(`${target} ${fingerprint}`);
        return null;
      },
      Releases: () => this.releases.map((r) => ({ ...r })),
    };
    return methods as unknown as Record<string, Handler>;
  }
}
