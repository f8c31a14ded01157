package io.drydock.sledagent;

/**
 * A request the sled refuses; the HTTP layer turns it into the error envelope with the code's
 * status.
 */
final class ApiException extends RuntimeException {
  final ErrorCode code;

  ApiException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }
}
