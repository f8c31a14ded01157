package io.drydock.sledagent;

/** The {@code error_code} of an error answer, with the HTTP status it is sent with. */
enum ErrorCode {
  BAD_REQUEST(400),
  NOT_IN_CONFIG(400),
  DIGEST_MISMATCH(400),
  DEPOT_NOT_ALLOWED(403),
  NOT_FOUND(404),
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

  ErrorCode(int status) {
    this.status = status;
  }
}
