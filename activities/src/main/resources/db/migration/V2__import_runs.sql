-- What the API needs to decide, atomically and on any replica, whether a new import may start.

ALTER TABLE repositories
    -- The kind of run that owns the current status, so a cancel reaches the right workflow.
    ADD COLUMN import_type  TEXT CHECK (import_type IN ('pre', 'final')),
    -- False from the moment a run claims the repository until that run has stopped working on it. A canceled run
    -- that has not closed yet keeps a new import out (429 IMPORT_REPOSITORY_NOT_READY) until it closes or the grace
    -- deadline after canceled_at has passed.
    ADD COLUMN owner_closed BOOLEAN NOT NULL DEFAULT TRUE,
    ADD COLUMN canceled_at  TIMESTAMPTZ;

-- In-progress imports are counted for the concurrency limit under an advisory lock.
CREATE INDEX repositories_in_progress_idx ON repositories (migration_status)
    WHERE migration_status IN ('pre_import_in_progress', 'import_in_progress');
