-- An artifact's kind and version as the repository's tufaceous manifest (artifacts-v2.json or artifacts.json) gives
-- them; NULL for a target the manifest does not describe, or a repository without one.
ALTER TABLE artifact_repository_targets
    ADD COLUMN kind    TEXT,
    ADD COLUMN version TEXT;
