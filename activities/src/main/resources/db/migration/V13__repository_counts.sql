-- The rows an import has recorded for the repository, kept by the transactions that write them (each adds the rows
-- its INSERT ... ON CONFLICT DO NOTHING statements inserted, so a retried batch adds nothing), so that reading them
-- costs one row however large the repository is, where counting grew with it.
ALTER TABLE repositories
    ADD COLUMN manifest_count BIGINT NOT NULL DEFAULT 0 CHECK (manifest_count >= 0),
    ADD COLUMN blob_count     BIGINT NOT NULL DEFAULT 0 CHECK (blob_count >= 0),
    ADD COLUMN tag_count      BIGINT NOT NULL DEFAULT 0 CHECK (tag_count >= 0);

UPDATE repositories r
   SET manifest_count = (SELECT count(*) FROM manifests m WHERE m.repository_id = r.id),
       blob_count     = (SELECT count(*) FROM repository_blobs b WHERE b.repository_id = r.id),
       tag_count      = (SELECT count(*) FROM tags t WHERE t.repository_id = r.id);
