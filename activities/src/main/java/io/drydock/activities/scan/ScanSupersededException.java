package io.drydock.activities.scan;

/** A newer run (or a delete) took the manifest's scan status from the run that tried to write. */
final class ScanSupersededException extends RuntimeException {
  ScanSupersededException(String digest, String runToken) {
    super("run " + runToken + " no longer owns the scan status of " + digest);
  }
}
