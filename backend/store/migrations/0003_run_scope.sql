-- 0003: which Go packages a run tested and why (JSON of the selection; '' when it ran everything as configured).
ALTER TABLE runs ADD COLUMN scope TEXT NOT NULL DEFAULT '';
