package io.drydock.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Latencies of one measurement, reported as nearest-rank percentiles (with 40 samples, p99 is the
 * maximum). Public for the replication benchmark's request timings.
 */
public final class Samples {
  private final String name;
  private final List<Long> nanos = new ArrayList<>();

  public Samples(String name) {
    this.name = name;
  }

  String name() {
    return name;
  }

  public void add(long elapsedNanos) {
    nanos.add(elapsedNanos);
  }

  public int count() {
    return nanos.size();
  }

  public double millis(double percentile) {
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    int rank = (int) Math.ceil(percentile / 100 * sorted.size());
    return sorted.get(Math.max(rank, 1) - 1) / 1e6;
  }

  /** {@code p50 412.0 ms p99 880.3 ms}. */
  String percentiles() {
    return String.format("p50 %.1f ms  p99 %.1f ms", millis(50), millis(99));
  }

  /** How many times slower than {@code baseline} at p50 and p99. */
  String ratioTo(Samples baseline) {
    return String.format(
        "ratio p50 %.1fx p99 %.1fx",
        millis(50) / baseline.millis(50), millis(99) / baseline.millis(99));
  }
}
