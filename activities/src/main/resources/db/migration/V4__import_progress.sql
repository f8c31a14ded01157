-- Progress of the owning run's pre-import (tags done of all tags), written with each batch it commits, so every API
-- replica reads the same progress from the one source of truth.
ALTER TABLE repositories
    ADD COLUMN progress_done  BIGINT,
    ADD COLUMN progress_total BIGINT;
