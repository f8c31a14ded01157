package io.drydock.sledagent;

/**
 * What an error answer says: the HTTP status and the {@code error_code} sent with it. Refusals
 * omicron's sled agent (and dropshot under it) answers without an {@code error_code} have none here
 * either, so that a client written for omicron reads them the same; the others name the refusal,
 * which the {@code Error} schema leaves free.
 */
enum ErrorCode {
  BAD_REQUEST(400),
  /** dropshot's refusal of a missing, malformed or too new {@code api-version} header. */
  API_VERSION(400, null),
  /** omicron's answer to {@code GET /artifacts} or an artifact write before any config arrived. */
  NO_CONFIG(400, null),
  NOT_IN_CONFIG(400),
  DIGEST_MISMATCH(400),
  DEPOT_NOT_ALLOWED(403),
  NOT_FOUND(404),
  /**
   * {@code GET /artifacts/{sha256}/copy-status} for an artifact this agent started no copy of since
   * it started: a copy it had accepted was lost with a restart.
   */
  COPY_UNKNOWN(404),
  /** omicron's answer to {@code GET /artifacts-config} before any config arrived. */
  CONFIG_NOT_FOUND(404, null),
  METHOD_NOT_ALLOWED(405),
  CONFIG_GENERATION(409),
  BODY_TOO_LARGE(413),
  INTERNAL(500),
  SOURCE_UNAVAILABLE(502),
  TOO_MANY_COPIES(503),
  INJECTED_FAULT(503),
  STOPPING(503),
  NO_DISK_AVAILABLE(507);

  final int status;

  /** The {@code error_code} sent; null sends none. */
  final String wireCode;

  ErrorCode(int status) {
    this.status = status;
    this.wireCode = name();
  }

  ErrorCode(int status, String wireCode) {
    this.status = status;
    this.wireCode = wireCode;
  }
}
