-- A notification the receiver refuses (GitLab Rails answers 400 or 404 when it will never take it) ends as `refused`
-- instead of being retried for a day. The receiver's last answer is kept, so an operator sees why.
ALTER TABLE notifications DROP CONSTRAINT notifications_outcome_check;
ALTER TABLE notifications
    ADD CONSTRAINT notifications_outcome_check
        CHECK (outcome IN ('delivered', 'superseded', 'abandoned', 'refused')),
    ADD COLUMN response_status INTEGER,
    ADD COLUMN response_body   TEXT;
