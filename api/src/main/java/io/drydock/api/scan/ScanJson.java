package io.drydock.api.scan;

import io.drydock.api.Json;
import tools.jackson.databind.node.ObjectNode;

/** Report bodies the API builds itself; stored reports are served as stored. */
final class ScanJson {
  private ScanJson() {}

  /**
   * The answer while a manifest is still being indexed: its state, and nothing claiming to be a
   * result.
   */
  static String inProgressReport(String digest, String state) {
    ObjectNode report = Json.MAPPER.createObjectNode();
    report.put("manifest_hash", digest);
    report.put("state", state);
    report.putObject("packages");
    report.putObject("distributions");
    report.putObject("repository");
    report.putObject("environments");
    report.put("success", false);
    report.put("err", "");
    return report.toString();
  }
}
