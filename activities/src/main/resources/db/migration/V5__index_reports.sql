-- Rescan: index reports in Clair's shape, the per-layer scanner results they are coalesced from, and the scan status
-- every API replica reads (NeuVector kept it in each replica's memory, and the replicas disagreed).

-- One report per manifest. Only two kinds can ever be stored: a finished, successful report, or an error report that
-- says what failed. Clair's empty report ({"state":"","success":false,"err":""}) violates these checks.
CREATE TABLE index_reports (
    manifest_digest TEXT        PRIMARY KEY CHECK (manifest_digest ~ '^sha256:[0-9a-f]{64}$'),
    index_state     TEXT        NOT NULL CHECK (index_state ~ '^[0-9a-f]{64}$'),
    state           TEXT        NOT NULL CHECK (state IN ('IndexFinished', 'IndexError')),
    success         BOOLEAN     NOT NULL CHECK (success = (state = 'IndexFinished')),
    err             TEXT        NOT NULL CHECK ((state = 'IndexError') = (btrim(err) <> '')),
    -- The report's JSON exactly as served.
    report          TEXT        NOT NULL CHECK (report <> ''),
    written_by_run  TEXT        NOT NULL,
    written_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- What the scanners found in one layer, by layer digest and scanner set: layers are shared between images, so most
-- rescans coalesce results already here instead of streaming the blob again.
CREATE TABLE layer_scans (
    layer_digest TEXT        NOT NULL CHECK (layer_digest ~ '^sha256:[0-9a-f]{64}$'),
    index_state  TEXT        NOT NULL CHECK (index_state ~ '^[0-9a-f]{64}$'),
    result       TEXT        NOT NULL,
    scanned_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (layer_digest, index_state)
);

-- The scan status of each manifest, owned by the run that set it: every write is a compare-and-set on run_token, and
-- within a run the status only moves forward (scheduled -> scanning -> finished | failed).
CREATE TABLE scan_status (
    manifest_digest TEXT        PRIMARY KEY CHECK (manifest_digest ~ '^sha256:[0-9a-f]{64}$'),
    status          TEXT        NOT NULL CHECK (status IN ('scheduled', 'scanning', 'finished', 'failed')),
    run_token       TEXT        NOT NULL,
    error           TEXT,
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX scan_status_status_idx ON scan_status (status);

-- The index state the last scanner-upgrade bulk rescan was started for (one row).
CREATE TABLE scan_index_state (
    singleton   BOOLEAN     PRIMARY KEY DEFAULT TRUE CHECK (singleton),
    index_state TEXT        NOT NULL CHECK (index_state ~ '^[0-9a-f]{64}$'),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Lists image manifests in digest order for bulk rescans and the scan-status API.
CREATE INDEX manifests_digest_idx ON manifests (digest) WHERE config_digest IS NOT NULL;
