package io.drydock.api.scan;

import io.drydock.activities.legacy.Digest;
import io.drydock.activities.scan.ScanQueries;
import io.drydock.activities.scan.indexer.ScannerSet;
import io.drydock.api.Json;
import io.drydock.api.errors.ClairError;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
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
import org.springframework.web.context.request.ServletWebRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;

/**
 * Clair's indexer API over Drydock's rescans. Reports are served exactly as stored; a layer's
 * {@code uri} in a request is never fetched (that would let any caller make the server request any
 * address): layers are read from the legacy storage the registry imported them from, and a
 * request's layers must be the manifest's.
 */
@RestController
@RequestMapping("/indexer/api/v1")
class ClairIndexerController {
  private static final Logger log = LoggerFactory.getLogger(ClairIndexerController.class);
  private static final int MAX_BULK_DELETE = 1000;

  /**
   * Content after a body's first JSON value is ignored, as Jackson 2, which read these bodies
   * before, ignored it: Jackson 3 refuses it by default, and the move to Jackson 3 is not to change
   * what Clair's API accepts.
   */
  private static final ObjectReader BODY_READER =
      Json.MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final String INDEX_REPORT_PATH = "/indexer/api/v1/index_report";

  /**
   * The relation Clair's server names the report's link with (quay/clair
   * httptransport/indexer_v1.go, linkIndex).
   */
  private static final String INDEX_REPORT_RELATION =
      "https://projectquay.io/clair/v1/index_report";

  private final ScanQueries store;
  private final RescanStarter rescans;

  ClairIndexerController(ScanQueries store, RescanStarter rescans) {
    this.store = store;
    this.rescans = rescans;
  }

  /**
   * Clair's {@code POST index_report}: 201 with the report, {@code Etag} (the index state), {@code
   * Location} and {@code Link} of the report; 412 when {@code If-None-Match} names the current
   * index state, before anything is indexed. {@code Accept} is disregarded, as Clair's handler
   * does. Drydock also answers 202 when the indexing outlasts {@code DRYDOCK_SCAN_INDEX_WAIT},
   * where Clair blocks.
   */
  @Operation(
      summary = "Index a manifest (Clair's indexer API)",
      responses = {
        @ApiResponse(
            responseCode = "201",
            description = "indexed: the index report",
            content = @Content(mediaType = ClairMediaTypes.INDEX_REPORT)),
        @ApiResponse(
            responseCode = "202",
            description = "still indexing after DRYDOCK_SCAN_INDEX_WAIT: the report so far",
            content = @Content(mediaType = ClairMediaTypes.INDEX_REPORT)),
        @ApiResponse(
            responseCode = "412",
            description = "If-None-Match names the current index state",
            content = @Content)
      })
  @PostMapping("/index_report")
  ResponseEntity<String> index(@RequestBody(required = false) byte[] body, ServletWebRequest web) {
    JsonNode request = parse(body);
    String digest = digest(request.path("hash").asString(null), "hash");
    String indexState = ScannerSet.current().indexState();
    String location = INDEX_REPORT_PATH + "/" + digest;
    HttpHeaders links = new HttpHeaders();
    links.add(HttpHeaders.LINK, "<" + location + ">; rel=\"" + INDEX_REPORT_RELATION + "\"");
    // RFC 9110's If-None-Match (a list, weak comparison, *): what Clair matches exactly, and the
    // rest of the RFC.
    if (web.checkNotModified(etag(indexState))) {
      return ResponseEntity.status(HttpStatus.PRECONDITION_FAILED).headers(links).build();
    }
    List<String> layers =
        store
            .manifestLayers(digest)
            .orElseThrow(
                () ->
                    ClairError.notFound(digest + " is not an image manifest this registry holds"));
    checkLayers(request.path("layers"), layers);
    Optional<ScanQueries.StoredReport> current = currentReport(digest, indexState);
    if (current.isPresent()) {
      return created(current.get().json(), indexState, location, links);
    }
    // A rescan this request joined may have been superseded (its report deleted while it ran) and
    // written nothing:
    // then a second rescan, started after it ended, indexes the manifest for this request.
    for (int attempt = 1; attempt <= 2; attempt++) {
      RescanStarter.Outcome outcome = rescans.indexAndWait(digest);
      if (outcome.inProgressState() != null) {
        return ResponseEntity.accepted()
            .location(URI.create(location))
            .headers(links)
            .contentType(MediaType.APPLICATION_JSON)
            .body(ScanJson.inProgressReport(digest, outcome.inProgressState()));
      }
      Optional<ScanQueries.StoredReport> stored = store.report(digest);
      if (stored.isPresent()) {
        return created(stored.get().json(), stored.get().indexState(), location, links);
      }
    }
    throw new ClairError(
        HttpStatus.CONFLICT,
        "conflict",
        "the report of " + digest + " was deleted while it was being indexed; submit it again");
  }

  /**
   * The stored report, in the type {@code Accept} picks as Clair does. Only a finished report of
   * the current scanners has an {@code ETag} (the index state, as Clair's): one still being
   * indexed, or made by older scanners, is about to change, and a cache must not keep it; Spring
   * answers 304 to a matching {@code If-None-Match}.
   */
  @Operation(
      summary = "The manifest's stored index report",
      responses = {
        @ApiResponse(
            responseCode = "200",
            description = "the report",
            content = @Content(mediaType = ClairMediaTypes.INDEX_REPORT)),
        @ApiResponse(
            responseCode = "304",
            description = "If-None-Match names the report's index state",
            content = @Content)
      })
  @GetMapping("/index_report/{digest}")
  ResponseEntity<String> report(@PathVariable("digest") String digest, HttpServletRequest request) {
    String valid = digest(digest, "digest");
    String type =
        ClairMediaTypes.pick(request, List.of(ClairMediaTypes.INDEX_REPORT, ClairMediaTypes.JSON));
    ScanQueries.StoredReport report =
        store.report(valid).orElseThrow(() -> ClairError.notFound("no index report for " + valid));
    ResponseEntity.BodyBuilder answer =
        ResponseEntity.ok().contentType(MediaType.parseMediaType(type));
    if ("IndexFinished".equals(report.state())
        && ScannerSet.current().indexState().equals(report.indexState())) {
      answer.eTag(etag(report.indexState()));
    }
    return answer.body(report.json());
  }

  @Operation(
      summary = "Delete the manifest's index report",
      responses = {@ApiResponse(responseCode = "204", description = "deleted", content = @Content)})
  @DeleteMapping("/index_report/{digest}")
  ResponseEntity<Void> delete(@PathVariable("digest") String digest) {
    store.deleteReports(List.of(digest(digest, "digest")));
    return ResponseEntity.noContent().build();
  }

  /**
   * Clair's bulk delete: the body is an array of digests; the answer lists those that had a report.
   */
  @Operation(
      summary = "Delete the index reports of many manifests (at most 1,000)",
      responses = {
        @ApiResponse(
            responseCode = "200",
            description = "the digests that had a report",
            content = @Content(mediaType = "application/json"))
      })
  @DeleteMapping("/index_report")
  ResponseEntity<List<String>> deleteMany(@RequestBody(required = false) byte[] body) {
    JsonNode digests = parse(body);
    if (!digests.isArray() || digests.size() > MAX_BULK_DELETE) {
      throw ClairError.badRequest(
          "body must be a JSON array of at most " + MAX_BULK_DELETE + " manifest digests");
    }
    List<String> valid = new ArrayList<>();
    for (JsonNode digest : digests) {
      valid.add(digest(digest.isString() ? digest.asString() : null, "digest"));
    }
    return ResponseEntity.ok()
        .contentType(MediaType.APPLICATION_JSON)
        .body(store.deleteReports(valid.stream().distinct().toList()));
  }

  /**
   * The index state in the type {@code Accept} picks as Clair does, with the state as {@code ETag}.
   */
  @Operation(
      summary = "The indexer's state: the hash of its scanner set",
      responses = {
        @ApiResponse(
            responseCode = "200",
            description = "the state",
            content =
                @Content(
                    mediaType = ClairMediaTypes.INDEX_STATE,
                    schema = @Schema(implementation = IndexStateResponse.class))),
        @ApiResponse(
            responseCode = "304",
            description = "If-None-Match names the current state",
            content = @Content)
      })
  @GetMapping("/index_state")
  ResponseEntity<IndexStateResponse> indexState(HttpServletRequest request) {
    String type =
        ClairMediaTypes.pick(request, List.of(ClairMediaTypes.INDEX_STATE, ClairMediaTypes.JSON));
    String state = ScannerSet.current().indexState();
    return ResponseEntity.ok()
        .contentType(MediaType.parseMediaType(type))
        .eTag(etag(state))
        .body(new IndexStateResponse(state));
  }

  record IndexStateResponse(String state) {}

  /**
   * The stored report when it is finished and made by the current scanners. A failed load is not
   * "no report": it falls through to the rescan, whose activities retry it.
   */
  private Optional<ScanQueries.StoredReport> currentReport(String digest, String indexState) {
    try {
      return store
          .report(digest)
          .filter(
              report ->
                  "IndexFinished".equals(report.state()) && indexState.equals(report.indexState()));
    } catch (RuntimeException e) {
      log.warn("could not load the stored report of {}; indexing through the workflow", digest, e);
      return Optional.empty();
    }
  }

  /**
   * Clair's answer to an indexed manifest; the validator is the index state the report was made in.
   */
  private static ResponseEntity<String> created(
      String json, String indexState, String location, HttpHeaders links) {
    return ResponseEntity.status(HttpStatus.CREATED)
        .eTag(etag(indexState))
        .location(URI.create(location))
        .headers(links)
        .contentType(MediaType.APPLICATION_JSON)
        .body(json);
  }

  /** Clair's validator of reports and of the state: the index state, quoted. */
  private static String etag(String indexState) {
    return "\"" + indexState + "\"";
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
      hashes.add(digest(layer.path("hash").asString(null), "layers[].hash"));
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
      return BODY_READER.readTree(body);
    } catch (JacksonException e) {
      throw ClairError.badRequest("request body is not valid JSON");
    }
  }
}
