-- Clair's affected_manifest asks which manifests a list of vulnerabilities affects. Reading every stored report for
-- every vulnerability does not scale; this table holds each finished report's packages, binary and source, with the
-- distribution and package database they were found in, so that the question is an indexed lookup by package name.
-- ScanStore rewrites a manifest's rows in the transaction that stores its report; deleting the report deletes them.
CREATE TABLE index_report_packages (
    manifest_digest         TEXT NOT NULL REFERENCES index_reports (manifest_digest) ON DELETE CASCADE,
    package_id              TEXT NOT NULL,
    kind                    TEXT NOT NULL CHECK (kind IN ('binary', 'source')),
    name                    TEXT NOT NULL,
    version                 TEXT NOT NULL,
    -- The package database of its environment: it decides whose version order applies (dpkg or apk).
    package_db              TEXT NOT NULL,
    -- The distribution of its environment, empty strings when the image has none (Clair compares to '' too).
    did                     TEXT NOT NULL,
    dist_name               TEXT NOT NULL,
    dist_version            TEXT NOT NULL,
    dist_version_code_name  TEXT NOT NULL,
    dist_version_id         TEXT NOT NULL,
    dist_arch               TEXT NOT NULL,
    dist_cpe                TEXT NOT NULL,
    dist_pretty_name        TEXT NOT NULL,
    PRIMARY KEY (manifest_digest, package_id, package_db)
);

CREATE INDEX index_report_packages_name_idx ON index_report_packages (name);

-- The rows of one report's JSON: each binary package in each of its environments, and the source package it names
-- there (as claircore's manifest_index holds both). A source package shared by several binaries is one row. Reports
-- written before every package had a source (dpkg and apk scanners version 1) give rows for the sources they name.
CREATE FUNCTION index_report_package_rows(report JSONB)
    RETURNS TABLE (package_id TEXT, kind TEXT, name TEXT, version TEXT, package_db TEXT, did TEXT, dist_name TEXT,
                   dist_version TEXT, dist_version_code_name TEXT, dist_version_id TEXT, dist_arch TEXT, dist_cpe TEXT,
                   dist_pretty_name TEXT)
    LANGUAGE sql IMMUTABLE STRICT AS
$$
WITH found AS (
    SELECT pkg.value AS pkg, environment.value AS environment,
           COALESCE(report -> 'distributions' -> (environment.value ->> 'distribution_id'), '{}') AS dist
      FROM jsonb_each(report -> 'packages') AS pkg
     CROSS JOIN LATERAL jsonb_array_elements(COALESCE(report -> 'environments' -> pkg.key, '[]')) AS environment
), packages AS (
    SELECT pkg, environment, dist FROM found
     UNION ALL
    SELECT pkg -> 'source', environment, dist FROM found WHERE jsonb_typeof(pkg -> 'source') = 'object'
)
SELECT DISTINCT pkg ->> 'id', pkg ->> 'kind', pkg ->> 'name', pkg ->> 'version', environment ->> 'package_db',
       COALESCE(dist ->> 'did', ''), COALESCE(dist ->> 'name', ''), COALESCE(dist ->> 'version', ''),
       COALESCE(dist ->> 'version_code_name', ''), COALESCE(dist ->> 'version_id', ''), COALESCE(dist ->> 'arch', ''),
       COALESCE(dist ->> 'cpe', ''), COALESCE(dist ->> 'pretty_name', '')
  FROM packages
$$;

-- Reports stored before this migration.
INSERT INTO index_report_packages
SELECT r.manifest_digest, p.*
  FROM index_reports r
 CROSS JOIN LATERAL index_report_package_rows(CAST(r.report AS JSONB)) AS p
 WHERE r.state = 'IndexFinished';
