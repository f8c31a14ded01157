#!/bin/sh
# One-off step (temporalio/admin-tools image): creates the Temporal databases
# on PostgreSQL and brings both schemas up to the version shipped with this
# admin-tools release. Safe to re-run: `create` ignores an existing database,
# `setup-schema -v 0.0` keeps a higher recorded version, and `update-schema`
# only applies the versions not applied yet.
set -eu

: "${POSTGRES_SEEDS:?POSTGRES_SEEDS is required}"
: "${POSTGRES_USER:?POSTGRES_USER is required}"
: "${SQL_PASSWORD:?SQL_PASSWORD is required}"   # read by temporal-sql-tool
DB_PORT="${DB_PORT:-5432}"
DBNAME="${DBNAME:-temporal}"
VISIBILITY_DBNAME="${VISIBILITY_DBNAME:-temporal_visibility}"
SCHEMA_ROOT="${TEMPORAL_SCHEMA_ROOT:-/etc/temporal/schema/postgresql/v12}"
MAX_ATTEMPTS="${SETUP_MAX_ATTEMPTS:-30}"
RETRY_SECONDS="${SETUP_RETRY_SECONDS:-2}"

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" "$@"
}

# Apply the versioned schema from the image's schema directory, or from the
# schema embedded in temporal-sql-tool if the directory is not shipped.
update_schema() {
  db="$1"
  kind="$2" # temporal | visibility
  if [ -d "$SCHEMA_ROOT/$kind/versioned" ]; then
    sql_tool --db "$db" update-schema -d "$SCHEMA_ROOT/$kind/versioned"
  else
    sql_tool --db "$db" update-schema --schema-name "postgresql/v12/$kind"
  fi
}

echo "temporal-admin-tools: waiting for PostgreSQL at $POSTGRES_SEEDS:$DB_PORT"
attempt=1
until sql_tool --db "$DBNAME" create; do
  if [ "$attempt" -ge "$MAX_ATTEMPTS" ]; then
    echo "temporal-admin-tools: could not create database '$DBNAME' after $attempt attempts" >&2
    exit 1
  fi
  attempt=$((attempt + 1))
  sleep "$RETRY_SECONDS"
done

echo "temporal-admin-tools: schema for '$DBNAME'"
sql_tool --db "$DBNAME" setup-schema -v 0.0
update_schema "$DBNAME" temporal

echo "temporal-admin-tools: schema for '$VISIBILITY_DBNAME'"
sql_tool --db "$VISIBILITY_DBNAME" create
sql_tool --db "$VISIBILITY_DBNAME" setup-schema -v 0.0
update_schema "$VISIBILITY_DBNAME" visibility

echo "temporal-admin-tools: PostgreSQL schemas are up to date"
