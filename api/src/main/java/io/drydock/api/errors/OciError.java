package io.drydock.api.errors;

import java.util.List;

/** The OCI distribution error envelope: {@code {"errors":[{"code","message","detail"}]}}. */
public record OciError(List<Entry> errors) {
  public record Entry(String code, String message, Object detail) {}

  public static OciError of(String code, String message, Object detail) {
    return new OciError(List.of(new Entry(code, message, detail)));
  }
}
