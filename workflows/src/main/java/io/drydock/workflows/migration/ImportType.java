package io.drydock.workflows.migration;

import java.util.Arrays;
import java.util.Optional;

/** The {@code import_type} query parameter of the import API. */
public enum ImportType {
  PRE("pre"),
  FINAL("final");

  private final String wireValue;

  ImportType(String wireValue) {
    this.wireValue = wireValue;
  }

  public String wireValue() {
    return wireValue;
  }

  public static Optional<ImportType> fromWireValue(String value) {
    return Arrays.stream(values()).filter(t -> t.wireValue.equals(value)).findFirst();
  }
}
