-- 0012: what a card made from something that went wrong was made from: an incident, a test
-- or a deploy. Making a card from the same source again returns this card while it is open
-- (not in a done or canceled column); after that a new card is made and the row points to
-- it (store/cardsources.go).
CREATE TABLE card_sources (
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('incident', 'test', 'deploy')),
    source_id  INTEGER NOT NULL,              -- incidents.id, tests.id (the test, not one result) or deploys.id
    card_id    INTEGER NOT NULL REFERENCES cards(id) ON DELETE CASCADE,
    PRIMARY KEY (project_id, kind, source_id)
) WITHOUT ROWID;
CREATE INDEX card_sources_by_card ON card_sources(card_id);
