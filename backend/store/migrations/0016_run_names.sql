-- 0016: a run's name, for runs that are not this machine's pipeline: a CI run imported with
-- `eightfold import` is called "CI: junit (3 files)" or what --run-name says. '' for the runs
-- of the pipeline.
ALTER TABLE runs ADD COLUMN name TEXT NOT NULL DEFAULT '';
