-- Where a sled's repo depot answers, which other sleds copy artifacts from. omicron runs the depot on a port of its
-- own (12348) beside the sled agent's; NULL means at the base URL, where the reference sled agent also serves it.
-- Same rules as base_url, checked in full by the application.
ALTER TABLE sleds
    ADD COLUMN depot_url TEXT CHECK (depot_url ~ '^https?://[^/?#@[:space:]]+(/[^?#@[:space:]]*)?$');
