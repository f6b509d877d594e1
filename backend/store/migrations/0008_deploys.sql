-- 0008: deploys, rollbacks and promotions of releases to targets.
CREATE TABLE deploys (
    id             INTEGER PRIMARY KEY,
    project_id     INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    target         TEXT NOT NULL,                 -- the target's name in eightfold.yaml
    kind           TEXT NOT NULL,                 -- deploy, promote, rollback
    release_id     INTEGER REFERENCES releases(id) ON DELETE SET NULL,
    version        TEXT NOT NULL DEFAULT '',
    commit_sha     TEXT NOT NULL DEFAULT '',
    who            TEXT NOT NULL DEFAULT '',
    host           TEXT NOT NULL DEFAULT '',      -- "local", "deploy@example.com:22"
    status         TEXT NOT NULL,                 -- running, succeeded, failed
    failure        TEXT NOT NULL DEFAULT '',
    host_key       TEXT NOT NULL DEFAULT '',      -- the fingerprint of an unknown host key that stopped it
    release_dir    TEXT NOT NULL DEFAULT '',      -- releases/<dir> on the target
    rolled_back    INTEGER NOT NULL DEFAULT 0,    -- a failure after the switch went back to the previous release
    uploaded       INTEGER NOT NULL DEFAULT 0,
    linked         INTEGER NOT NULL DEFAULT 0,
    uploaded_bytes INTEGER NOT NULL DEFAULT 0,
    total_bytes    INTEGER NOT NULL DEFAULT 0,
    steps          TEXT NOT NULL DEFAULT '[]',    -- JSON: the last state of each step
    log            TEXT NOT NULL DEFAULT '',      -- the commands' output, scrubbed of the secrets
    started_ms     INTEGER NOT NULL,
    finished_ms    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX deploys_by_target ON deploys(project_id, target, id DESC);
