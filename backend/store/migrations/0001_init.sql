-- 0001: projects, runs, steps, log chunks and test results.
CREATE TABLE projects (
    id         INTEGER PRIMARY KEY,
    path       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    created_ms INTEGER NOT NULL
);

CREATE TABLE runs (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    trigger     TEXT NOT NULL,
    commit_sha  TEXT NOT NULL DEFAULT '',
    branch      TEXT NOT NULL DEFAULT '',
    dirty       INTEGER NOT NULL DEFAULT 0,
    status      TEXT NOT NULL,
    error       TEXT NOT NULL DEFAULT '',
    started_ms  INTEGER NOT NULL,
    finished_ms INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX runs_by_project ON runs(project_id, id DESC);
CREATE INDEX runs_by_status ON runs(status);

CREATE TABLE steps (
    id          INTEGER PRIMARY KEY,
    run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    idx         INTEGER NOT NULL,
    name        TEXT NOT NULL,
    command     TEXT NOT NULL,
    status      TEXT NOT NULL,
    exit_code   INTEGER NOT NULL DEFAULT -1,
    started_ms  INTEGER NOT NULL DEFAULT 0,
    finished_ms INTEGER NOT NULL DEFAULT 0,
    log_bytes   INTEGER NOT NULL DEFAULT 0,
    truncated   INTEGER NOT NULL DEFAULT 0,
    -- The step's process group while it runs, so that groups a crashed eightfold left
    -- behind can be killed on the next start (PID reuse is ruled out by the start time).
    pgid        INTEGER NOT NULL DEFAULT 0,
    pg_start    INTEGER NOT NULL DEFAULT 0,
    boot_id     TEXT NOT NULL DEFAULT '',
    UNIQUE (run_id, idx)
);

-- Rows are large (up to 256 KiB: the log writer merges what one stream writes in a burst), so
-- this is a rowid table: WITHOUT ROWID suits only rows far smaller than a page.
CREATE TABLE log_chunks (
    id      INTEGER PRIMARY KEY,
    step_id INTEGER NOT NULL REFERENCES steps(id) ON DELETE CASCADE,
    seq     INTEGER NOT NULL,
    ts_ms   INTEGER NOT NULL,
    stream  INTEGER NOT NULL,
    zstd    INTEGER NOT NULL DEFAULT 0, -- 1: data is zstd-compressed
    data    BLOB NOT NULL
);
CREATE UNIQUE INDEX log_chunks_by_step ON log_chunks(step_id, seq);

CREATE TABLE test_results (
    id          INTEGER PRIMARY KEY,
    run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step_id     INTEGER NOT NULL REFERENCES steps(id) ON DELETE CASCADE,
    suite       TEXT NOT NULL,
    name        TEXT NOT NULL,
    status      TEXT NOT NULL,
    duration_ms INTEGER NOT NULL DEFAULT 0,
    message     TEXT NOT NULL DEFAULT '',
    output      TEXT NOT NULL DEFAULT '',
    file        TEXT NOT NULL DEFAULT '',
    line        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX test_results_by_run ON test_results(run_id);
CREATE INDEX test_results_by_name ON test_results(suite, name, run_id DESC);
