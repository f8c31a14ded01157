package io.drydock.workflows.migration;

import io.temporal.workflow.SignalMethod;

/**
 * Signals an operator (or the API's operator endpoints) sends to an import run, e.g. {@code
 * temporal workflow signal --workflow-id pre-import/<path> --name retry}.
 */
public interface OperatorSignals {
  /** Re-runs the failed step of a run that is waiting after a failure. */
  @SignalMethod
  void retry();

  /**
   * Cancels the run as a {@code DELETE} would: a running import stops, a failed run stops waiting.
   */
  @SignalMethod
  void cancel();
}
