-- When the current run claimed its repository (the API's PUT), so that the worker can report how long an import took
-- from its claim to its end, an operator's retry included. NULL for runs claimed before this column existed.
ALTER TABLE repositories ADD COLUMN claimed_at TIMESTAMPTZ;
