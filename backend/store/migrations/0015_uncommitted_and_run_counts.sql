-- 0015: the uncommitted changes a run's work tree had, so that "what changed since the last
-- green run" can list them: a JSON object of path → content hash (at most 1,000 paths, see
-- store.maxUncommitted) and how many paths there were in all. Runs recorded before have '{}'
-- and 0 even when dirty.
ALTER TABLE runs ADD COLUMN uncommitted TEXT NOT NULL DEFAULT '{}';
ALTER TABLE runs ADD COLUMN uncommitted_count INTEGER NOT NULL DEFAULT 0;

-- A run's test counts (runColumns) read this index alone: while a step streams 100,000 results,
-- every batch of 1,000 announces the run with its counts, and counting from the table rows
-- made that path quadratic (about 16 s for 100,000 cases).
CREATE INDEX test_results_by_run_status ON test_results(run_id, status, attempts);
