package io.drydock.api.scan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.activities.legacy.Digest;
import io.drydock.activities.scan.ScanStore;
import io.drydock.activities.scan.indexer.ScannerSet;
import io.drydock.api.errors.ClairError;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Clair's indexer API over Drydock's rescans. Reports are served exactly as stored; a layer's {@code uri} in a request
 * is never fetched (that would let any caller make the server request any address): layers are read from the legacy
 * storage the registry imported them from, and a request's layers must be the manifest's.
 */
@RestController
@RequestMapping("/indexer/api/v1")
class ClairIndexerController {
  private static final Logger log = LoggerFactory.getLogger(ClairIndexerController.class);
  private static final int MAX_BULK_DELETE = 1000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ScanStore store;
  private final RescanStarter rescans;

  ClairIndexerController(ScanStore store, RescanStarter rescans) {
    this.store = store;
    this.rescans = rescans;
  }

  @PostMapping(value = "/index_report", produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<String> index(@RequestBody(required = false) byte[] body) {
    JsonNode request = parse(body);
    String digest = digest(request.path("hash").asText(null), "hash");
    List<String> layers =
        store.manifestLayers(digest)
            .orElseThrow(() -> ClairError.notFound(digest + " is not an image manifest this registry holds"));
    checkLayers(request.path("layers"), layers);
    String indexState = ScannerSet.current().indexState();
    Optional<ScanStore.StoredReport> current = currentReport(digest, indexState);
    if (current.isPresent()) {
      return created(current.get().json());
    }
    // A rescan this request joined may have been superseded (its report deleted while it ran) and written nothing:
    // then a second rescan, started after it ended, indexes the manifest for this request.
    for (int attempt = 1; attempt <= 2; attempt++) {
      RescanStarter.Outcome outcome = rescans.indexAndWait(digest);
      if (outcome.inProgressState() != null) {
        return ResponseEntity.accepted()
            .location(URI.create("/indexer/api/v1/index_report/" + digest))
            .contentType(MediaType.APPLICATION_JSON)
            .body(ScanJson.inProgressReport(digest, outcome.inProgressState()));
      }
      Optional<ScanStore.StoredReport> stored = store.report(digest);
      if (stored.isPresent()) {
        return created(stored.get().json());
      }
    }
    throw new ClairError(
        HttpStatus.CONFLICT,
        "conflict",
        "the report of " + digest + " was deleted while it was being indexed; submit it again");
  }

  @GetMapping(value = "/index_report/{digest}", produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<String> report(@PathVariable("digest") String digest) {
    String valid = digest(digest, "digest");
    return store.report(valid)
        .map(report -> ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(report.json()))
        .orElseThrow(() -> ClairError.notFound("no index report for " + valid));
  }

  @DeleteMapping("/index_report/{digest}")
  ResponseEntity<Void> delete(@PathVariable("digest") String digest) {
    store.deleteReports(List.of(digest(digest, "digest")));
    return ResponseEntity.noContent().build();
  }

  /** Clair's bulk delete: the body is an array of digests; the answer lists those that had a report. */
  @DeleteMapping(value = "/index_report", produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<List<String>> deleteMany(@RequestBody(required = false) byte[] body) {
    JsonNode digests = parse(body);
    if (!digests.isArray() || digests.size() > MAX_BULK_DELETE) {
      throw ClairError.badRequest("body must be a JSON array of at most " + MAX_BULK_DELETE + " manifest digests");
    }
    List<String> valid = new ArrayList<>();
    for (JsonNode digest : digests) {
      valid.add(digest(digest.isTextual() ? digest.asText() : null, "digest"));
    }
    return ResponseEntity.ok(store.deleteReports(valid.stream().distinct().toList()));
  }

  @GetMapping(value = "/index_state", produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<IndexStateResponse> indexState() {
    String state = ScannerSet.current().indexState();
    return ResponseEntity.ok().eTag("\"" + state + "\"").body(new IndexStateResponse(state));
  }

  record IndexStateResponse(String state) {}

  /**
   * The stored report when it is finished and made by the current scanners. A failed load is not "no report": it
   * falls through to the rescan, whose activities retry it.
   */
  private Optional<ScanStore.StoredReport> currentReport(String digest, String indexState) {
    try {
      return store.report(digest)
          .filter(report -> "IndexFinished".equals(report.state()) && indexState.equals(report.indexState()));
    } catch (RuntimeException e) {
      log.warn("could not load the stored report of {}; indexing through the workflow", digest, e);
      return Optional.empty();
    }
  }

  private static ResponseEntity<String> created(String json) {
    return ResponseEntity.status(HttpStatus.CREATED).contentType(MediaType.APPLICATION_JSON).body(json);
  }

  private static void checkLayers(JsonNode requested, List<String> layers) {
    if (requested.isMissingNode() || requested.isNull()) {
      return;
    }
    if (!requested.isArray()) {
      throw ClairError.badRequest("layers must be an array");
    }
    List<String> hashes = new ArrayList<>();
    for (JsonNode layer : requested) {
      hashes.add(digest(layer.path("hash").asText(null), "layers[].hash"));
    }
    if (!hashes.isEmpty() && !hashes.equals(layers)) {
      throw ClairError.badRequest("layers do not match the manifest's layers " + layers);
    }
  }

  static String digest(String value, String field) {
    if (!Digest.isDigest(value)) {
      throw ClairError.badRequest(field + " must be a manifest digest sha256:<64 lowercase hex>");
    }
    return value;
  }

  /** The body as JSON, or a 400 in Clair's envelope. */
  static JsonNode parse(byte[] body) {
    if (body == null || body.length == 0) {
      throw ClairError.badRequest("request body is empty");
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw ClairError.badRequest("request body is not valid JSON");
    }
  }
}
