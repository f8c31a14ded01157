-- Notifications to the caller (GitLab Rails) about how a run ended: a transactional outbox. A row is written in the
-- same transaction as the status it reports, so a superseded run, whose status write is refused, never has one.
CREATE TABLE notifications (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    repository_path TEXT        NOT NULL,
    owner_token     TEXT        NOT NULL,
    status          TEXT        NOT NULL,
    detail          TEXT        NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    attempts        INTEGER     NOT NULL DEFAULT 0,
    last_error      TEXT,
    -- How the row ended: delivered (200), superseded (the repository moved on before delivery) or abandoned (not
    -- delivered within the configured time). NULL while it is still to be delivered.
    outcome         TEXT CHECK (outcome IN ('delivered', 'superseded', 'abandoned')),
    ended_at        TIMESTAMPTZ,
    -- A run retried after a failure reports the failure, then how the retry ended.
    UNIQUE (repository_path, owner_token, status)
);

CREATE INDEX notifications_pending_idx ON notifications (repository_path) WHERE outcome IS NULL;
