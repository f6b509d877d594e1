-- 0018: what an imported CI run was made of: the SHA-256 of its report format, the commit it
-- tested and its report files' bytes, so that importing the same reports twice is caught.
-- '' for the runs of the pipeline. The CI runs by the time they finished, for the newest run.
ALTER TABLE runs ADD COLUMN import_hash TEXT NOT NULL DEFAULT '';
CREATE INDEX runs_import_hash ON runs(project_id, import_hash) WHERE import_hash != '';
CREATE INDEX runs_ci_by_finish ON runs(project_id, finished_ms DESC, id DESC) WHERE trigger = 'ci';
