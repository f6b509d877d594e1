-- 0005: the plan board. Columns and cards are ordered by fractional rank keys (backend/rank):
-- text that sorts bytewise (SQLite's BINARY collation) in board order, so a move writes one row.

-- A project's board settings; the row exists once the board has been used (its default
-- columns are made then). key is the project key cards are shown with ("APP" → APP-12; '' →
-- #12); next_number is the number the next card gets (numbers are never reused).
CREATE TABLE boards (
    project_id  INTEGER PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
    key         TEXT NOT NULL DEFAULT '',
    next_number INTEGER NOT NULL DEFAULT 1,
    created_ms  INTEGER NOT NULL
);

-- A column is a status. stage binds it to a stage of the card's journey (the column a card
-- moves to when its work reaches that stage); '' is a user column bound to none. A removed
-- column is kept (removed_ms > 0) so that the transition log still names it.
CREATE TABLE board_columns (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    category   TEXT NOT NULL CHECK (category IN ('backlog', 'started', 'done', 'canceled')),
    stage      TEXT NOT NULL DEFAULT ''
               CHECK (stage IN ('', 'plan', 'code', 'verified', 'released', 'staging', 'production', 'canceled')),
    wip_limit  INTEGER NOT NULL DEFAULT 0 CHECK (wip_limit >= 0), -- 0: none
    rank       TEXT NOT NULL,
    removed_ms INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX board_columns_by_project ON board_columns(project_id, removed_ms, rank);
-- A stage binds at most one column of a board.
CREATE UNIQUE INDEX board_columns_by_stage ON board_columns(project_id, stage) WHERE stage != '' AND removed_ms = 0;

CREATE TABLE cards (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    number      INTEGER NOT NULL,
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '', -- markdown source
    assignee    TEXT NOT NULL DEFAULT '',
    due         TEXT NOT NULL DEFAULT '', -- 'YYYY-MM-DD' or ''
    column_id   INTEGER NOT NULL REFERENCES board_columns(id),
    rank        TEXT NOT NULL,
    stage       TEXT NOT NULL DEFAULT '', -- where the card's journey is (see board_columns.stage)
    failure     TEXT NOT NULL DEFAULT '', -- what the journey last reported failing ('' when fine)
    created_ms  INTEGER NOT NULL,
    updated_ms  INTEGER NOT NULL,
    entered_ms  INTEGER NOT NULL, -- when it entered its current column
    UNIQUE (project_id, number)
);
CREATE UNIQUE INDEX cards_by_column ON cards(column_id, rank);

CREATE TABLE labels (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    color      TEXT NOT NULL -- '#rrggbb'
);
CREATE UNIQUE INDEX labels_by_name ON labels(project_id, name COLLATE NOCASE);

CREATE TABLE card_labels (
    card_id  INTEGER NOT NULL REFERENCES cards(id) ON DELETE CASCADE,
    label_id INTEGER NOT NULL REFERENCES labels(id) ON DELETE CASCADE,
    PRIMARY KEY (card_id, label_id)
) WITHOUT ROWID;
CREATE INDEX card_labels_by_label ON card_labels(label_id);

CREATE TABLE checklist_items (
    id      INTEGER PRIMARY KEY,
    card_id INTEGER NOT NULL REFERENCES cards(id) ON DELETE CASCADE,
    text    TEXT NOT NULL,
    done    INTEGER NOT NULL DEFAULT 0,
    rank    TEXT NOT NULL
);
CREATE INDEX checklist_items_by_card ON checklist_items(card_id, rank);

-- What a card is linked to: a commit (ref: full SHA), a branch (its name), a run (its id), a
-- release (its version) or a deploy ("staging v1.4.0"). closing: the commit closes the card
-- (fixes #12) rather than only mentioning it. title: the commit's subject and the like.
-- at_ms: when the linked thing happened (a commit's time) or was linked.
CREATE TABLE card_links (
    id      INTEGER PRIMARY KEY,
    card_id INTEGER NOT NULL REFERENCES cards(id) ON DELETE CASCADE,
    kind    TEXT NOT NULL CHECK (kind IN ('commit', 'branch', 'run', 'release', 'deploy')),
    ref     TEXT NOT NULL,
    closing INTEGER NOT NULL DEFAULT 0,
    title   TEXT NOT NULL DEFAULT '',
    at_ms   INTEGER NOT NULL,
    UNIQUE (card_id, kind, ref)
);
CREATE INDEX card_links_by_ref ON card_links(kind, ref);

-- The transition log: every time a card changed column or stage, and why. from_column is 0
-- when the card was created. cause_kind 'user' is a move by hand, 'column' a move because
-- the card's column was removed (cause_ref: its name), 'undo' the undo of the transition
-- whose id is cause_ref; the others are the journey's (cause_ref: a SHA, branch, run id,
-- version or "staging v1.4.0"). undone_by is the id of the transition that undid this one.
CREATE TABLE card_transitions (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    card_id     INTEGER NOT NULL REFERENCES cards(id) ON DELETE CASCADE,
    from_column INTEGER NOT NULL DEFAULT 0,
    to_column   INTEGER NOT NULL,
    from_stage  TEXT NOT NULL DEFAULT '',
    to_stage    TEXT NOT NULL DEFAULT '',
    from_rank   TEXT NOT NULL DEFAULT '',
    to_rank     TEXT NOT NULL DEFAULT '',
    cause_kind  TEXT NOT NULL
                CHECK (cause_kind IN ('user', 'column', 'undo', 'commit', 'branch', 'run', 'release', 'deploy')),
    cause_ref   TEXT NOT NULL DEFAULT '',
    at_ms       INTEGER NOT NULL,
    undone_by   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX card_transitions_by_card ON card_transitions(card_id, id);
CREATE INDEX card_transitions_by_project ON card_transitions(project_id, cause_kind, id);
