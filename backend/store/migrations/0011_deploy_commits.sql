-- 0011: the commits each successful deploy brought to its target first, with their
-- committer times: what the DORA lead time is computed from.
CREATE TABLE deploy_commits (
    deploy_id    INTEGER NOT NULL REFERENCES deploys(id) ON DELETE CASCADE,
    sha          TEXT NOT NULL,
    committed_ms INTEGER NOT NULL,
    PRIMARY KEY (deploy_id, sha)
) WITHOUT ROWID;
-- "When did this root-cause commit first reach production?"
CREATE INDEX deploy_commits_by_sha ON deploy_commits(sha);
-- The same commits' times, "ms,ms,…" ("" for none: a redeploy of the same commit), so that
-- DORA reads one value per deploy; NULL until they are worked out.
ALTER TABLE deploys ADD COLUMN commit_times TEXT;
-- DORA reads the deploys of a target by when they finished.
CREATE INDEX deploys_by_finish ON deploys(project_id, target, finished_ms);
-- Those still to work out, found without reading every deploy.
CREATE INDEX deploys_without_commit_times ON deploys(project_id, target, finished_ms)
    WHERE commit_times IS NULL AND status = 'succeeded' AND kind != 'rollback';
