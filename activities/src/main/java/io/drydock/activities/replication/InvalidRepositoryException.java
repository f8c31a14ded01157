package io.drydock.activities.replication;

/**
 * An upload refused before anything was kept or inserted.
 *
 * @see TufRepositoryUpload
 */
public final class InvalidRepositoryException extends RuntimeException {
  /** Why, as the API's error code names it. */
  public enum Reason {
    /** The archive, or what it unpacks to, is larger than {@code drydock.replication.max-upload-bytes}. */
    TOO_LARGE,
    /** The archive is not a zip, or has an entry it must not have (see {@link TufRepositoryUpload}). */
    ARCHIVE_INVALID,
    /** targets.json is missing, ambiguous or malformed. */
    METADATA_INVALID,
    /** A target is missing, or its bytes do not match targets.json; the detail names the target. */
    TARGET_INVALID,
    /** The request body ended before the archive did. */
    INCOMPLETE
  }

  private final Reason reason;
  private final String detail;

  /** The message and detail may quote the archive: they are made printable, as the answer and the log show them. */
  InvalidRepositoryException(Reason reason, String message, String detail) {
    super(StoredText.printable(message));
    this.reason = reason;
    this.detail = StoredText.printable(detail);
  }

  public Reason reason() {
    return reason;
  }

  public String detail() {
    return detail;
  }
}
