-- 0004: test results, kept per test so that a test's history is one index range.
-- The test_results table of 0001 was never written to; it is replaced.
DROP TABLE test_results;

-- A test of a project: its suite (Go package, JUnit suite or class, TAP source) and its name
-- (a subtest is its path, "TestA/sub").
CREATE TABLE tests (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    suite      TEXT NOT NULL,
    name       TEXT NOT NULL,
    UNIQUE (project_id, suite, name)
);

-- One result of a test in a step of a run. attempts > 1: it failed and was retried; a result
-- that is passed after attempts > 1 is flaky, and message keeps the failure it recovered from.
CREATE TABLE test_results (
    id          INTEGER PRIMARY KEY,
    run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step_id     INTEGER NOT NULL REFERENCES steps(id) ON DELETE CASCADE,
    test_id     INTEGER NOT NULL REFERENCES tests(id) ON DELETE CASCADE,
    status      TEXT NOT NULL,
    duration_ms INTEGER NOT NULL DEFAULT 0,
    attempts    INTEGER NOT NULL DEFAULT 1,
    message     TEXT NOT NULL DEFAULT '',
    output      TEXT NOT NULL DEFAULT '',
    file        TEXT NOT NULL DEFAULT '',
    line        INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX test_results_by_run ON test_results(run_id, step_id, test_id);
CREATE INDEX test_results_by_test ON test_results(test_id, run_id);
CREATE INDEX test_results_by_test_status ON test_results(test_id, status, run_id);

-- The content of the working tree a run started from: git's tree id of HEAD when the tree is
-- clean, else a hash of HEAD's tree and every changed path's content. Two runs with the same
-- tree_sha tested the same code.
ALTER TABLE runs ADD COLUMN tree_sha TEXT NOT NULL DEFAULT '';
CREATE INDEX runs_by_project_status ON runs(project_id, status, id);
