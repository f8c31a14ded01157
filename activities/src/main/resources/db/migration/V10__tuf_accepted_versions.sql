-- The highest TUF metadata versions accepted under each trusted root (named by the sha256 of its signed part's
-- canonical form). Kept when repositories are deleted: a repository whose root, snapshot or targets version is lower
-- than one accepted before is a rollback (an attacker replaying older, validly signed metadata) and is refused.
CREATE TABLE tuf_accepted_versions (
    trusted_root_id  TEXT        PRIMARY KEY,
    root_version     BIGINT      NOT NULL,
    snapshot_version BIGINT      NOT NULL,
    targets_version  BIGINT      NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
