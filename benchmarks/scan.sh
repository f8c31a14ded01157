#!/usr/bin/env bash
# Layer scan benchmark: builds the benchmark module and the modules it needs, generates 40 seeded gzip layers once into
# benchmarks/target/scan-benchmark-layers (every eighth a Debian base layer carrying this machine's
# /var/lib/dpkg/status; later runs reuse them) and the same layers recompressed with zstd, then times, in alternating
# passes over the same files, for each compression a baseline that decompresses each layer and reads every tar entry's
# bytes, and LayerScanner.scan; for zstd also the `zstd -d` command (when installed) as a native floor. Prints layers/s
# and MB/s for each and the ratios. Runs in a 256 MiB heap (BENCH_JAVA_OPTS overrides the JVM options).
# Arguments go to the benchmark: --layers N (default 40), --rounds N (default 5), --dir DIR, --dpkg-status FILE.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -Pbenchmarks -pl benchmarks -am package -DskipTests
cd benchmarks
# The jar's main class is the migration benchmark; Spring Boot's PropertiesLauncher starts another class in it.
# shellcheck disable=SC2086 # BENCH_JAVA_OPTS holds several options on purpose
exec java ${BENCH_JAVA_OPTS:--Xmx256m} -Dloader.main=io.drydock.benchmarks.scan.ScanBenchmark \
  -cp target/drydock-benchmarks.jar org.springframework.boot.loader.launch.PropertiesLauncher "$@"
