package io.drydock.sledagent;

/**
 * Faults a chaos test injects through {@code POST /faults}; absent fields are off.
 *
 * @param delayMs added before answering every request but those to {@code /faults}
 * @param failPercent share of those requests answered 503 {@code INJECTED_FAULT} instead
 * @param corruptServedBytes whether {@code GET /artifact/sha256/...} flips a byte in every chunk it
 *     serves
 */
record FaultSettings(int delayMs, int failPercent, boolean corruptServedBytes) {
  static final FaultSettings NONE = new FaultSettings(0, 0, false);
  private static final int MAX_DELAY_MS = 60_000;

  FaultSettings {
    if (delayMs < 0 || delayMs > MAX_DELAY_MS) {
      throw new IllegalArgumentException(
          "delay_ms must be between 0 and " + MAX_DELAY_MS + ": " + delayMs);
    }
    if (failPercent < 0 || failPercent > 100) {
      throw new IllegalArgumentException("fail_percent must be between 0 and 100: " + failPercent);
    }
  }
}
