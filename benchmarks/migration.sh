#!/usr/bin/env bash
# Migration benchmarks: builds the benchmark module and the modules it needs, then runs the benchmarks in one JVM
# whose heap is 512 MiB, the heap a 100,000-manifest pre-import must fit in (BENCH_JAVA_OPTS overrides the options).
# Arguments go to the benchmark: --samples N (cancel rounds, default 40); --large runs only the 100,000-manifest
# pre-import instead, so that each run stays within about ten minutes; --huge only a 1,000,000-tag pre-import.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -Pbenchmarks -pl benchmarks -am package -DskipTests
# From the module's directory, so the Temporal dev server's log lands in benchmarks/target.
cd benchmarks
# shellcheck disable=SC2086 # BENCH_JAVA_OPTS holds several options on purpose
exec java ${BENCH_JAVA_OPTS:--Xmx512m} -jar target/drydock-benchmarks.jar "$@"
