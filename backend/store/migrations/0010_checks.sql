-- 0010: health checks, their results (raw, then rolled up per hour) and incidents.
CREATE TABLE checks (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,                 -- "target:staging", "check:api"
    url        TEXT NOT NULL DEFAULT '',
    UNIQUE (project_id, name)
);

-- One row per probe; kept raw for a while (7 days by default), then summed into check_hours.
CREATE TABLE check_results (
    id       INTEGER PRIMARY KEY,
    check_id INTEGER NOT NULL REFERENCES checks(id) ON DELETE CASCADE,
    at_ms    INTEGER NOT NULL,
    ok       INTEGER NOT NULL,                -- 1 when every condition held
    status   INTEGER NOT NULL DEFAULT 0,      -- the HTTP status, 0 when there was no response
    took_ms  INTEGER NOT NULL DEFAULT 0,
    reason   TEXT NOT NULL DEFAULT ''         -- why it failed
);
-- ok is there so that uptime reads the index alone (a week of a check at 10 s is 60,480 rows).
CREATE INDEX check_results_by_check ON check_results(check_id, at_ms, ok);

-- Hourly roll-ups of the results that are no longer kept raw (90 days by default).
CREATE TABLE check_hours (
    check_id    INTEGER NOT NULL REFERENCES checks(id) ON DELETE CASCADE,
    hour_ms     INTEGER NOT NULL,             -- the start of the UTC hour
    total       INTEGER NOT NULL,
    ok          INTEGER NOT NULL,
    took_sum_ms INTEGER NOT NULL,
    took_max_ms INTEGER NOT NULL,
    PRIMARY KEY (check_id, hour_ms)
) WITHOUT ROWID;

CREATE TABLE incidents (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    check_id    INTEGER REFERENCES checks(id) ON DELETE SET NULL,
    kind        TEXT NOT NULL,                -- check_down, deploy_failed, rollback
    title       TEXT NOT NULL DEFAULT '',
    started_ms  INTEGER NOT NULL,
    resolved_ms INTEGER NOT NULL DEFAULT 0,   -- 0 while open
    deploy_id   INTEGER REFERENCES deploys(id) ON DELETE SET NULL, -- the deploy that preceded it, or that it is about
    note        TEXT NOT NULL DEFAULT '',
    root_cause  TEXT NOT NULL DEFAULT '',     -- a commit SHA
    card_id     INTEGER REFERENCES cards(id) ON DELETE SET NULL   -- the card made from it
);
CREATE INDEX incidents_by_project ON incidents(project_id, started_ms DESC);
CREATE INDEX incidents_by_deploy ON incidents(deploy_id) WHERE deploy_id IS NOT NULL;
-- A check has at most one open incident.
CREATE UNIQUE INDEX incidents_open_per_check ON incidents(check_id) WHERE resolved_ms = 0 AND check_id IS NOT NULL;
