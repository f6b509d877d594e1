-- 0002: why a run happened (the changed files that triggered it) and why it ended early.
ALTER TABLE runs ADD COLUMN changed_files TEXT NOT NULL DEFAULT '[]'; -- JSON array, at most 100 paths
ALTER TABLE runs ADD COLUMN changed_count INTEGER NOT NULL DEFAULT 0; -- all changed paths
ALTER TABLE runs ADD COLUMN reason TEXT NOT NULL DEFAULT '';          -- e.g. why it was cancelled
