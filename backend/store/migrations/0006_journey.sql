-- 0006: the card's journey, driven by git, runs, releases and deploys.

-- journey is the state backend/plan's reducer keeps for the card (plan.Card as JSON: its
-- stage, linked and closing commits, retired commits, branches, last run, failure); '' for
-- a card that has none yet (its state is then its stage, nothing linked). Cards made before
-- this migration start from their stage and links.
ALTER TABLE cards ADD COLUMN journey TEXT NOT NULL DEFAULT '';
UPDATE cards SET journey = json_object(
    'stage', stage,
    'commits', json((SELECT json_group_array(ref) FROM (SELECT ref FROM card_links
                WHERE card_id = cards.id AND kind = 'commit' ORDER BY at_ms, id))),
    'closing', json((SELECT json_group_array(ref) FROM (SELECT ref FROM card_links
                WHERE card_id = cards.id AND kind = 'commit' AND closing ORDER BY at_ms, id))),
    'branches', json((SELECT json_group_array(ref) FROM (SELECT ref FROM card_links
                WHERE card_id = cards.id AND kind = 'branch' ORDER BY at_ms, id))));

ALTER TABLE card_transitions ADD COLUMN journey_before TEXT NOT NULL DEFAULT '';

-- The commits of a project's repository that have been scanned for card references. The set
-- holds the ancestors of everything it holds, so a scan walks back from the branch heads
-- only to the first scanned commit of each line: it reads new commits only.
CREATE TABLE scanned_commits (
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    sha        TEXT NOT NULL,
    PRIMARY KEY (project_id, sha)
) WITHOUT ROWID;

-- The board's figures look up the cards that reached a stage (production) and when, then
-- when each of them first reached the started stages: both read these indexes only.
CREATE INDEX card_transitions_by_stage ON card_transitions(project_id, to_stage, undone_by, card_id, at_ms);
CREATE INDEX card_transitions_by_card_stage ON card_transitions(card_id, undone_by, to_stage, at_ms);
