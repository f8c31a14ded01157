package io.drydock.activities.replication;

/**
 * An upload refused before anything was kept or inserted.
 *
 * @see TufRepositoryUpload
 */
public final class InvalidRepositoryException extends RuntimeException {
  /** Why, as the API's error code names it. */
  public enum Reason {
    /**
     * The archive, or what it unpacks to, is larger than {@code
     * drydock.replication.max-upload-bytes}.
     */
    TOO_LARGE,
    /**
     * The archive is not a zip, or has an entry it must not have (see {@link TufRepositoryUpload}).
     */
    ARCHIVE_INVALID,
    /** targets.json is missing, ambiguous or malformed. */
    METADATA_INVALID,
    /** A target is missing, or its bytes do not match targets.json; the detail names the target. */
    TARGET_INVALID,
    /** The request body ended before the archive did. */
    INCOMPLETE,
    /** No trusted root is configured and unsigned uploads are not allowed. */
    TUF_ROOT_NOT_CONFIGURED,
    /** The archive's root chain does not lead from a trusted root. */
    ROOT_UNTRUSTED,
    /**
     * A signature by a key of the role does not verify (the metadata was changed after signing,
     * say).
     */
    SIGNATURE_INVALID,
    /** Fewer distinct keys of the role signed the metadata than its threshold. */
    THRESHOLD_NOT_MET,
    /** The metadata expired before the upload. */
    METADATA_EXPIRED,
    /** Versions, lengths or hashes that one role's metadata names for another do not match it. */
    VERSION_MISMATCH,
    /**
     * A root, snapshot or targets version lower than one already accepted under the same trusted
     * root.
     */
    ROLLBACK,
    /** The targets metadata delegates to other roles, which Drydock does not verify. */
    DELEGATIONS_UNSUPPORTED
  }

  private final Reason reason;
  private final String detail;

  /**
   * The message and detail may quote the archive: they are made printable, as the answer and the
   * log show them.
   */
  InvalidRepositoryException(Reason reason, String message, String detail) {
    super(StoredText.printable(message));
    this.reason = reason;
    this.detail = StoredText.printable(detail);
  }

  /**
   * {@link Reason#ARCHIVE_INVALID}, which the archive's reading and its layout checks both refuse
   * with.
   */
  static InvalidRepositoryException invalidArchive(String message, String entry) {
    return new InvalidRepositoryException(Reason.ARCHIVE_INVALID, message, entry);
  }

  public Reason reason() {
    return reason;
  }

  public String detail() {
    return detail;
  }
}
