package io.drydock.activities.replication;

/**
 * When to list a copy's target again: a fifth of the time the copy has taken so far, from 20 ms up
 * to a second apart, so that a copy is seen at most a fifth (and 20 ms) after it landed, however
 * long it takes, while a copy of gigabytes costs about a listing a second. (Growing the wait by
 * half at each listing, as before, saw a copy up to half its time late.) Public because the
 * replication benchmark's Oxide-style plan polls as the copy activity does.
 */
public final class CopyPolls {
  static final long FIRST_MILLIS = 20;
  static final long LAST_MILLIS = 1000;

  private CopyPolls() {}

  /** The wait before the next listing, {@code elapsedMillis} after the copy was accepted. */
  public static long nextWaitMillis(long elapsedMillis) {
    return Math.max(FIRST_MILLIS, Math.min(LAST_MILLIS, elapsedMillis / 5));
  }
}
