-- 0014: when each project was last opened, for the recent projects of the start screen.
-- Projects recorded before start from their last run (or their creation).
ALTER TABLE projects ADD COLUMN opened_ms INTEGER NOT NULL DEFAULT 0;
UPDATE projects SET opened_ms = max(created_ms,
    coalesce((SELECT max(started_ms) FROM runs WHERE runs.project_id = projects.id), 0));
CREATE INDEX projects_by_opened ON projects(opened_ms);
