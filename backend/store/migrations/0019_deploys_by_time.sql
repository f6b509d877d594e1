-- 0019: the Deploy view lists a project's deploys newest first by when they last moved (a
-- running one by its start), of one target or of all: both orders read from an index, in
-- order, and stop at the limit. The expression is the one Deploys orders by, word for word.
CREATE INDEX deploys_by_target_moved ON deploys(project_id, target, max(started_ms, finished_ms) DESC, id DESC);
CREATE INDEX deploys_by_moved ON deploys(project_id, max(started_ms, finished_ms) DESC, id DESC);
