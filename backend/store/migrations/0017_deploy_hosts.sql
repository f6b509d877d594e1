-- 0017: how a deploy or rollback of a target with several hosts went on each host, in the
-- order of the target's hosts: JSON objects {host, state, release, version, previous,
-- previous_version, current, failure, took_ms} (state: untouched, running, deployed, failed,
-- rolled back). '[]' for a target on one host.
ALTER TABLE deploys ADD COLUMN hosts TEXT NOT NULL DEFAULT '[]';
