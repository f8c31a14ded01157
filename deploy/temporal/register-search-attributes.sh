#!/bin/sh
# Makes sure the namespace exists and registers Drydock's custom search
# attributes in it, on any Temporal server (needs the temporal CLI):
#
#   TEMPORAL_ADDRESS=temporal.example:7233 TEMPORAL_NAMESPACE=default \
#     deploy/temporal/register-search-attributes.sh
#
# The compose stack runs it as a one-off step (temporalio/admin-tools image)
# once the server is healthy. Idempotent: existing namespace / attributes are
# kept, "already exists" answers count as success. SEARCH_ATTRIBUTES below is
# the one list outside Java: the worker's SearchAttributeCheckTest fails when it
# differs from DrydockSearchAttributes, and the worker refuses to start on a
# namespace that lacks one of them.
set -eu

TEMPORAL_ADDRESS="${TEMPORAL_ADDRESS:-temporal:7233}"
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
RETENTION="${TEMPORAL_NAMESPACE_RETENTION:-72h}"
# name=Type pairs, whitespace separated.
SEARCH_ATTRIBUTES="${DRYDOCK_SEARCH_ATTRIBUTES:-RepositoryPath=Keyword MigrationStatus=Keyword ImportType=Keyword ManifestDigest=Keyword ScanState=Keyword RescanTotal=Int RescanDone=Int RescanFailed=Int ArtifactGeneration=Keyword LostArtifacts=KeywordList}"
MAX_ATTEMPTS="${SETUP_MAX_ATTEMPTS:-60}"
RETRY_SECONDS="${SETUP_RETRY_SECONDS:-2}"

log() { echo "temporal-search-attributes: $*"; }
fail() { echo "temporal-search-attributes: ERROR: $*" >&2; exit 1; }

# Resolve the server host to an IPv4 address when possible (the gRPC client
# may otherwise try an IPv6 address the server does not listen on).
host="${TEMPORAL_ADDRESS%:*}"
port="${TEMPORAL_ADDRESS##*:}"
if command -v getent >/dev/null 2>&1; then
  ip="$(getent ahostsv4 "$host" 2>/dev/null | awk 'NR == 1 { print $1 }')" || ip=""
  if [ -n "$ip" ]; then
    TEMPORAL_ADDRESS="$ip:$port"
  fi
fi
log "using Temporal at $TEMPORAL_ADDRESS, namespace '$NAMESPACE'"

# retry DESCRIPTION COMMAND...: runs COMMAND until it succeeds.
retry() {
  what="$1"
  shift
  n=1
  until "$@"; do
    if [ "$n" -ge "$MAX_ATTEMPTS" ]; then
      fail "$what did not succeed after $n attempts"
    fi
    n=$((n + 1))
    sleep "$RETRY_SECONDS"
  done
}

cluster_healthy() {
  temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1
}

namespace_exists() {
  temporal operator namespace describe --address "$TEMPORAL_ADDRESS" --namespace "$NAMESPACE" >/dev/null 2>&1
}

ensure_namespace() {
  namespace_exists && return 0
  out="$(temporal operator namespace create --address "$TEMPORAL_ADDRESS" \
    --namespace "$NAMESPACE" --retention "$RETENTION" 2>&1)" && return 0
  case "$out" in
    *[Aa]lready*[Ee]xist*|*AlreadyExists*) return 0 ;;
  esac
  echo "$out" >&2
  return 1
}

search_attribute_listed() {
  temporal operator search-attribute list --address "$TEMPORAL_ADDRESS" \
    --namespace "$NAMESPACE" 2>/dev/null | grep -qw -- "$1"
}

ensure_search_attribute() {
  name="$1"
  type="$2"
  if search_attribute_listed "$name"; then
    log "search attribute $name already registered"
    return 0
  fi
  out="$(temporal operator search-attribute create --address "$TEMPORAL_ADDRESS" \
    --namespace "$NAMESPACE" --name "$name" --type "$type" 2>&1)" && {
    log "search attribute $name ($type) registered"
    return 0
  }
  case "$out" in
    *[Aa]lready*[Ee]xist*|*AlreadyExists*)
      log "search attribute $name already registered"
      return 0
      ;;
  esac
  echo "$out" >&2
  return 1
}

for pair in $SEARCH_ATTRIBUTES; do
  case "$pair" in
    ?*=?*) ;;
    *) fail "bad search attribute spec '$pair' (expected Name=Type)" ;;
  esac
done

log "waiting for the cluster to report SERVING"
retry "cluster health check" cluster_healthy

retry "creating namespace '$NAMESPACE'" ensure_namespace
# A new namespace reaches the frontend's namespace cache a few seconds later.
retry "describing namespace '$NAMESPACE'" namespace_exists
log "namespace '$NAMESPACE' exists"

for pair in $SEARCH_ATTRIBUTES; do
  name="${pair%%=*}"
  type="${pair#*=}"
  retry "registering search attribute $name" ensure_search_attribute "$name" "$type"
done

for pair in $SEARCH_ATTRIBUTES; do
  name="${pair%%=*}"
  retry "listing search attribute $name" search_attribute_listed "$name"
done
log "all search attributes registered: $SEARCH_ATTRIBUTES"
