#!/usr/bin/env bash
# Artifact replication benchmark: builds the benchmark module and the modules it needs, then, for fleets of 4, 8, 16
# and 32 in-process sled agents (each sled's link capped at 8 MiB/s each way), replicates 50 seeded artifacts of
# 1 MiB with Drydock's workflow (the depot sends each artifact once, a sled serves the next copy as soon as it holds
# the artifact) and with an Oxide-style plan the benchmark executes itself (3 puts per artifact from the depot, then
# copies from those), both through a depot link capped like a sled's and with at most 8 requests in flight. Prints,
# per fleet size, the time to full replication, the bytes the depot sent and the longest chain of requests (depot ->
# sled -> sled ...) for both plans, and their ratios. Takes about seven minutes on two cores.
# Runs in a 1 GiB heap (BENCH_JAVA_OPTS overrides the JVM options); sled data goes to /dev/shm when it exists.
# Arguments go to the benchmark: --sleds 4,8,16,32 --artifacts 50 --artifact-bytes 1048576 --bandwidth 8388608
# --in-flight 8 --seed N --dir DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -Pbenchmarks -pl benchmarks -am package -DskipTests
# From the module's directory, so the Temporal dev server's log lands in benchmarks/target.
cd benchmarks
# The jar's main class is the migration benchmark; Spring Boot's PropertiesLauncher starts another class in it.
# shellcheck disable=SC2086 # BENCH_JAVA_OPTS holds several options on purpose
exec java ${BENCH_JAVA_OPTS:--Xmx1g} -Dloader.main=io.drydock.benchmarks.replication.ReplicationBenchmark \
  -cp target/drydock-benchmarks.jar org.springframework.boot.loader.launch.PropertiesLauncher "$@"
