-- 0009: what went wrong in a deploy after its release was current and healthy (a failed
-- after_deploy hook, a lock that could not be released): the deploy succeeded all the same.
ALTER TABLE deploys ADD COLUMN warnings TEXT NOT NULL DEFAULT '[]';
