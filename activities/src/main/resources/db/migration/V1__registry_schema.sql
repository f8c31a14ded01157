-- The registry's metadata database: what pre-import and final import fill from the legacy storage.

CREATE TABLE repositories (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    path             TEXT        NOT NULL UNIQUE CHECK (char_length(path) BETWEEN 1 AND 255),
    name             TEXT        NOT NULL,
    migration_status TEXT        NOT NULL CHECK (migration_status IN (
                         'native', 'pre_import_in_progress', 'pre_import_complete', 'pre_import_failed',
                         'pre_import_canceled', 'import_in_progress', 'import_complete', 'import_failed',
                         'import_canceled')),
    migration_error  TEXT,
    -- Fencing token of the run that owns the current status. Every status write and every batch an import writes
    -- is conditional on it, so a superseded or zombie run can change nothing.
    owner_token      TEXT,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX repositories_migration_status_idx ON repositories (migration_status);

-- Blobs are content-addressed and shared between repositories.
CREATE TABLE blobs (
    digest     TEXT        PRIMARY KEY CHECK (digest ~ '^sha256:[0-9a-f]{64}$'),
    media_type TEXT,
    size       BIGINT      NOT NULL CHECK (size >= 0),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Which blobs a repository may serve (the legacy storage's _layers links).
CREATE TABLE repository_blobs (
    repository_id BIGINT NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    blob_digest   TEXT   NOT NULL REFERENCES blobs (digest),
    PRIMARY KEY (repository_id, blob_digest)
);

CREATE TABLE manifests (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    repository_id     BIGINT      NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    digest            TEXT        NOT NULL CHECK (digest ~ '^sha256:[0-9a-f]{64}$'),
    media_type        TEXT        NOT NULL,
    schema_version    INTEGER     NOT NULL,
    size              BIGINT      NOT NULL CHECK (size >= 0),
    payload           BYTEA       NOT NULL,
    config_digest     TEXT        REFERENCES blobs (digest),
    config_media_type TEXT,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (repository_id, digest)
);

-- Layer blobs of an image manifest.
CREATE TABLE manifest_blobs (
    manifest_id BIGINT NOT NULL REFERENCES manifests (id) ON DELETE CASCADE,
    blob_digest TEXT   NOT NULL REFERENCES blobs (digest),
    PRIMARY KEY (manifest_id, blob_digest)
);

-- Children of a manifest list or OCI index.
CREATE TABLE manifest_references (
    parent_id BIGINT NOT NULL REFERENCES manifests (id) ON DELETE CASCADE,
    child_id  BIGINT NOT NULL REFERENCES manifests (id) ON DELETE CASCADE,
    PRIMARY KEY (parent_id, child_id)
);

CREATE TABLE tags (
    repository_id BIGINT      NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    name          TEXT        NOT NULL,
    manifest_id   BIGINT      NOT NULL REFERENCES manifests (id) ON DELETE CASCADE,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (repository_id, name)
);
