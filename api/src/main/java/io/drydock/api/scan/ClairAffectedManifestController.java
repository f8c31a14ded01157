package io.drydock.api.scan;

import io.drydock.activities.scan.ScanQueries;
import io.drydock.activities.scan.VulnerablePackage;
import io.drydock.activities.scan.indexer.Distribution;
import io.drydock.api.Json;
import io.drydock.api.errors.ClairError;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Clair's {@code POST /indexer/api/v1/internal/affected_manifest/}, which Clair's notifier asks
 * which manifests a list of vulnerabilities affects (quay/clair {@code httptransport/indexer_v1.go}
 * at eb22407da3d3ee32534ed956be3696080754288d; quay/claircore {@code affectedmanifests.go} and
 * {@code libindex} AffectedManifests). The answer is claircore's {@code AffectedManifests}: every
 * vulnerability asked about by id, and for each affected manifest the ids of the vulnerabilities
 * affecting it, most severe first. A body Clair could not decode, and a vulnerability without a
 * package (which Clair dereferences), are refused with 400.
 */
@RestController
class ClairAffectedManifestController {
  /** claircore's {@code Severity} ({@code toolkit/types/severity.go}), least severe first. */
  private static final List<String> SEVERITIES =
      List.of("Unknown", "Negligible", "Low", "Medium", "High", "Critical");

  private static final List<String> DISTRIBUTION_FIELDS =
      List.of(
          "did",
          "name",
          "version",
          "version_code_name",
          "version_id",
          "arch",
          "cpe",
          "pretty_name");

  private final ScanQueries store;

  ClairAffectedManifestController(ScanQueries store) {
    this.store = store;
  }

  /**
   * In the type {@code Accept} picks as Clair's handler does, before the body is read, as there.
   */
  @Operation(
      summary = "Clair's affected manifests: the indexed manifests each vulnerability affects",
      responses = {
        @ApiResponse(
            responseCode = "200",
            description = "the affected manifests",
            content = @Content(mediaType = ClairMediaTypes.AFFECTED_MANIFESTS))
      })
  @PostMapping("/indexer/api/v1/internal/affected_manifest/")
  ResponseEntity<String> affectedManifests(
      @RequestBody(required = false) byte[] body, HttpServletRequest servletRequest) {
    String type =
        ClairMediaTypes.pick(
            servletRequest, List.of(ClairMediaTypes.AFFECTED_MANIFESTS, ClairMediaTypes.JSON));
    JsonNode request = ClairIndexerController.parse(body);
    JsonNode list = request.path("vulnerabilities");
    if (!request.isObject() || !list.isArray()) {
      throw ClairError.badRequest(
          "body must be {\"vulnerabilities\": [claircore vulnerabilities]}");
    }
    Map<String, JsonNode> asked = new LinkedHashMap<>();
    List<VulnerablePackage> vulnerabilities = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode vulnerability = list.get(i);
      VulnerablePackage parsed = vulnerablePackage(vulnerability, "vulnerabilities[" + i + "]");
      asked.put(parsed.id(), vulnerability);
      vulnerabilities.add(parsed);
    }
    Map<String, List<String>> affected = store.affectedManifests(vulnerabilities);

    ObjectNode answer = Json.MAPPER.createObjectNode();
    ObjectNode byId = answer.putObject("vulnerabilities");
    asked.forEach(byId::set);
    ObjectNode manifests = answer.putObject("vulnerable_manifests");
    Comparator<String> mostSevereFirst =
        Comparator.comparingInt((String id) -> severity(asked.get(id))).reversed();
    affected.forEach(
        (digest, ids) -> {
          var array = manifests.putArray(digest);
          ids.stream().sorted(mostSevereFirst).forEach(array::add);
        });
    return ResponseEntity.ok().contentType(MediaType.parseMediaType(type)).body(answer.toString());
  }

  private static VulnerablePackage vulnerablePackage(JsonNode vulnerability, String where) {
    if (!vulnerability.isObject()) {
      throw ClairError.badRequest(where + " must be an object");
    }
    JsonNode pkg = vulnerability.path("package");
    if (!pkg.isObject()) {
      throw ClairError.badRequest(where + ".package must be an object");
    }
    JsonNode dist = vulnerability.path("distribution");
    if (!dist.isMissingNode() && !dist.isNull() && !dist.isObject()) {
      throw ClairError.badRequest(where + ".distribution must be an object");
    }
    List<String> distribution = new ArrayList<>();
    for (String field : DISTRIBUTION_FIELDS) {
      distribution.add(text(dist, field, where + ".distribution"));
    }
    String severity = text(vulnerability, "normalized_severity", where);
    if (!severity.isEmpty() && !SEVERITIES.contains(severity)) {
      throw ClairError.badRequest(where + ".normalized_severity must be one of " + SEVERITIES);
    }
    try {
      return new VulnerablePackage(
          text(vulnerability, "id", where),
          text(pkg, "name", where + ".package"),
          text(pkg, "kind", where + ".package"),
          new Distribution(
              "",
              distribution.get(0),
              distribution.get(1),
              distribution.get(2),
              distribution.get(3),
              distribution.get(4),
              distribution.get(5),
              distribution.get(6),
              distribution.get(7)),
          text(vulnerability, "fixed_in_version", where));
    } catch (IllegalArgumentException e) {
      throw ClairError.badRequest(where + ": " + e.getMessage());
    }
  }

  /**
   * A string field, empty when absent or null as Go decodes it; anything else is a body Clair
   * refuses.
   */
  private static String text(JsonNode object, String field, String where) {
    JsonNode value = object.path(field);
    if (value.isMissingNode() || value.isNull()) {
      return "";
    }
    if (!value.isString()) {
      throw ClairError.badRequest(where + "." + field + " must be a string");
    }
    return value.asString();
  }

  /** claircore's normalized severity as a rank; absent is Unknown. */
  private static int severity(JsonNode vulnerability) {
    return Math.max(0, SEVERITIES.indexOf(vulnerability.path("normalized_severity").asString("")));
  }
}
