-- Replication of uploaded update artifacts (TUF repositories) to sled agents.

-- The sleds artifacts are replicated to. Every request to a sled goes to the base URL registered here (from
-- configuration or by an operator), never to an address taken from a request or a workflow's input. An expunged
-- sled is never contacted again and cannot be registered again.
CREATE TABLE sleds (
    id         TEXT        PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    -- http(s), a host, an optional port and path; no user info, query or fragment (checked in full by the
    -- application, which also strips a trailing slash).
    base_url   TEXT        NOT NULL CHECK (base_url ~ '^https?://[^/?#@[:space:]]+(/[^?#@[:space:]]*)?$'),
    state      TEXT        NOT NULL DEFAULT 'in_service' CHECK (state IN ('in_service', 'expunged')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The generation of the desired artifact set: one row, bumped by compare-and-set in the transaction of every upload
-- and delete. Sleds refuse a config older than the one they hold, so a planner working from an older view of this
-- table can never make a sled drop artifacts a newer view added.
CREATE TABLE artifact_generation (
    singleton  BOOLEAN     PRIMARY KEY DEFAULT TRUE CHECK (singleton),
    generation BIGINT      NOT NULL CHECK (generation >= 1),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- 1, not 0: a sled that never received a config holds generation 0 with no artifacts, and our first config must be
-- newer than that.
INSERT INTO artifact_generation (generation) VALUES (1);

-- Uploaded repositories. The id is the hex SHA-256 of the uploaded targets.json bytes, so uploading the same
-- repository again is recognised. local_freed_at is set once the control plane's local copies of its artifacts
-- were deleted because every artifact had reached enough sleds.
CREATE TABLE artifact_repositories (
    id              TEXT        PRIMARY KEY CHECK (id ~ '^[0-9a-f]{64}$'),
    name            TEXT,
    system_version  TEXT,
    targets_version BIGINT      NOT NULL,
    uploaded_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    local_freed_at  TIMESTAMPTZ
);

CREATE TABLE artifact_repository_targets (
    repository_id TEXT   NOT NULL REFERENCES artifact_repositories (id) ON DELETE CASCADE,
    target_name   TEXT   NOT NULL,
    sha256        TEXT   NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    length        BIGINT NOT NULL CHECK (length >= 0),
    PRIMARY KEY (repository_id, target_name)
);

-- Which other repositories still need an artifact's local copy, when one is freed or deleted.
CREATE INDEX artifact_repository_targets_sha256_idx ON artifact_repository_targets (sha256);

-- The last 4,096 requests sent to sleds, with their errors, newest last: a ring the API serves, so the history of a
-- repository's replication can be read without the logs. Trimmed by every insert.
CREATE TABLE replication_requests (
    id          BIGSERIAL   PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    kind        TEXT        NOT NULL CHECK (kind IN ('config', 'list', 'put', 'copy')),
    target_sled TEXT        NOT NULL,
    source_sled TEXT,
    sha256      TEXT,
    generation  BIGINT      NOT NULL,
    ok          BOOLEAN     NOT NULL,
    error       TEXT
);
