-- 0007: the artifacts that runs built, and releases.

-- What the steps with `artifacts:` of a passed run left in the work tree: one row per file a
-- pattern matched (path relative to the repository; size, times and inode, so that a
-- release can tell whether the file is still the one the run built), or one row with path
-- '' for a pattern that matched nothing.
CREATE TABLE run_artifacts (
    id       INTEGER PRIMARY KEY,
    run_id   INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step_id  INTEGER NOT NULL REFERENCES steps(id) ON DELETE CASCADE,
    pattern  TEXT NOT NULL,
    path     TEXT NOT NULL DEFAULT '',
    size     INTEGER NOT NULL DEFAULT 0,
    mtime_ns INTEGER NOT NULL DEFAULT 0,
    ctime_ns INTEGER NOT NULL DEFAULT 0, -- changes on every write, also one that restores the mtime
    inode    INTEGER NOT NULL DEFAULT 0  -- changes when a build replaces the file by rename
);
CREATE INDEX run_artifacts_by_run ON run_artifacts(run_id, id);

-- Release lookups: "HEAD's last run on exactly this tree".
CREATE INDEX runs_by_tree ON runs(project_id, tree_sha, id DESC);

-- A release: a version tagged on a commit, from the green run that verified it.
CREATE TABLE releases (
    id               INTEGER PRIMARY KEY,
    project_id       INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    version          TEXT NOT NULL,
    tag              TEXT NOT NULL,
    commit_sha       TEXT NOT NULL,
    run_id           INTEGER REFERENCES runs(id) ON DELETE SET NULL,
    dirty            INTEGER NOT NULL DEFAULT 0, -- released from uncommitted changes: never to production
    bump             TEXT NOT NULL DEFAULT '',
    reason           TEXT NOT NULL DEFAULT '',
    changelog        TEXT NOT NULL DEFAULT '',
    changelog_commit TEXT NOT NULL DEFAULT '', -- the commit that updated CHANGELOG.md, if any
    created_ms       INTEGER NOT NULL,
    UNIQUE (project_id, tag)
);
CREATE INDEX releases_by_project ON releases(project_id, id DESC);

-- The bytes a release ships, by content address in the data dir's artifact store.
CREATE TABLE release_artifacts (
    release_id INTEGER NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    step       TEXT NOT NULL,
    path       TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    size       INTEGER NOT NULL,
    PRIMARY KEY (release_id, path)
) WITHOUT ROWID;

-- The cards a release delivers.
CREATE TABLE release_cards (
    release_id INTEGER NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    card_id    INTEGER NOT NULL REFERENCES cards(id) ON DELETE CASCADE,
    PRIMARY KEY (release_id, card_id)
) WITHOUT ROWID;
