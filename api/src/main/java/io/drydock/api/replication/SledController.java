package io.drydock.api.replication;

import io.drydock.activities.replication.Sled;
import io.drydock.activities.replication.SledRegistry;
import io.drydock.api.Json;
import io.drydock.api.errors.ApiException;
import io.drydock.api.replication.ReplicationBodies.Sleds;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The sleds artifacts are replicated to: list them, register one or change its URLs ({@code PUT
 * {"base_url", "depot_url"}}), expunge one for good, and ask all of them what they hold ({@code
 * /inventory}).
 */
@RestController
@RequestMapping("/api/v1/sleds")
class SledController {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final int DEFAULT_PAGE = 1000;
  private static final int MAX_PAGE = 10_000;
  private static final Set<String> REGISTRATION_FIELDS = Set.of("base_url", "depot_url");
  private static final String REGISTRATION_FORM =
      "{\"base_url\": \"http://host:port\", \"depot_url\": \"http://host:depot-port\"} (depot_url optional)";

  private final SledRegistry registry;
  private final SledInventory inventory;
  private final ReplicationSignals signals;

  SledController(SledRegistry registry, SledInventory inventory, ReplicationSignals signals) {
    this.registry = registry;
    this.inventory = inventory;
    this.signals = signals;
  }

  @Operation(
      summary = "The registered sleds",
      responses = {
        @ApiResponse(
            responseCode = "200",
            description = "every sled",
            content = @Content(mediaType = "application/json"))
      })
  @GetMapping
  JsonNode list() {
    return ReplicationBodies.json(new Sleds(registry.list()));
  }

  /**
   * 201 for a new sled, 200 for new URLs; 409 {@code SLED_EXPUNGED} for an expunged one, which
   * never returns. Without a {@code depot_url} the sled's depot is at its base URL.
   */
  @Operation(
      summary = "Register a sled or change its URLs",
      responses = {
        @ApiResponse(
            responseCode = "200",
            description = "URLs changed",
            content = @Content(mediaType = "application/json")),
        @ApiResponse(
            responseCode = "201",
            description = "registered",
            content = @Content(mediaType = "application/json"))
      })
  @PutMapping("/{id}")
  ResponseEntity<JsonNode> register(
      @PathVariable("id") String id, @RequestBody(required = false) String body) {
    requireValidId(id);
    JsonNode registration = registration(body);
    String baseUrl = url(registration, "base_url", SledRegistry::baseUrlProblem);
    String depotUrl =
        registration.path("depot_url").isNull() || registration.path("depot_url").isMissingNode()
            ? null
            : url(registration, "depot_url", SledRegistry::depotUrlProblem);
    SledRegistry.Registration outcome = registry.register(id, baseUrl, depotUrl);
    if (outcome == SledRegistry.Registration.EXPUNGED) {
      throw new ApiException(
          HttpStatus.CONFLICT,
          "SLED_EXPUNGED",
          "the sled was expunged; an expunged sled never comes back",
          id);
    }
    signals.activateAfter("the registration of sled " + id);
    JsonNode sled = ReplicationBodies.json(registry.find(id).orElseThrow());
    return ResponseEntity.status(
            outcome == SledRegistry.Registration.CREATED ? HttpStatus.CREATED : HttpStatus.OK)
        .body(sled);
  }

  /**
   * Takes the sled out of service for good; repeating it is harmless. An id no sled can have is
   * refused before the database sees it (PostgreSQL refuses a NUL in a query parameter).
   */
  @Operation(
      summary = "Expunge a sled for good",
      responses = {
        @ApiResponse(
            responseCode = "200",
            description = "expunged",
            content = @Content(mediaType = "application/json"))
      })
  @PostMapping("/{id}/expunge")
  JsonNode expunge(@PathVariable("id") String id) {
    requireValidId(id);
    Sled sled =
        registry
            .expunge(id)
            .orElseThrow(
                () ->
                    new ApiException(
                        HttpStatus.NOT_FOUND, "SLED_UNKNOWN", "no sled with this id", id));
    signals.activateAfter("the expunge of sled " + id);
    return ReplicationBodies.json(sled);
  }

  @Operation(
      summary = "What every sled holds, a page of artifacts at a time",
      responses = {
        @ApiResponse(
            responseCode = "200",
            description = "a page of the inventory",
            content = @Content(mediaType = "application/json"))
      })
  @GetMapping("/inventory")
  JsonNode inventory(
      @RequestParam(name = "limit", required = false) String limit,
      @RequestParam(name = "after", required = false) String after)
      throws InterruptedException {
    if (after != null && !SHA256.matcher(after).matches()) {
      throw badParameter(
          "after must be an artifact's sha256 (64 lower-case hex digits)", "after=" + after);
    }
    return ReplicationBodies.json(inventory.inventory(pageSize(limit), after));
  }

  private static int pageSize(String limit) {
    if (limit == null) {
      return DEFAULT_PAGE;
    }
    try {
      int size = Integer.parseInt(limit);
      if (size >= 1 && size <= MAX_PAGE) {
        return size;
      }
    } catch (NumberFormatException e) {
      // Answered below, as an out-of-range number is.
    }
    throw badParameter("limit must be an integer from 1 to " + MAX_PAGE, "limit=" + limit);
  }

  /**
   * The registration body: {@code {"base_url": "http(s)://host[:port][/path]"}}, and optionally
   * {@code depot_url}.
   */
  private JsonNode registration(String body) {
    JsonNode registration;
    try {
      registration = body == null ? null : Json.MAPPER.readTree(body);
    } catch (JacksonException e) {
      throw badBody("the body is not JSON: " + e.getOriginalMessage());
    }
    if (registration == null || !registration.isObject()) {
      throw badBody("send " + REGISTRATION_FORM);
    }
    for (String field : registration.propertyNames()) {
      if (!REGISTRATION_FIELDS.contains(field)) {
        throw badBody("unknown field " + field + "; the body is " + REGISTRATION_FORM);
      }
    }
    return registration;
  }

  /**
   * The registration's URL {@code field}, refused with {@code SLED_URL_INVALID} unless a string the
   * rules accept.
   */
  private static String url(
      JsonNode registration, String field, Function<String, Optional<String>> problemOf) {
    String url = registration.path(field).isString() ? registration.path(field).asString() : null;
    problemOf
        .apply(url)
        .ifPresent(
            problem -> {
              throw new ApiException(
                  HttpStatus.BAD_REQUEST, "SLED_URL_INVALID", "invalid sled " + field, problem);
            });
    return url;
  }

  private static void requireValidId(String id) {
    SledRegistry.idProblem(id)
        .ifPresent(
            problem -> {
              throw new ApiException(
                  HttpStatus.BAD_REQUEST, "SLED_ID_INVALID", "invalid sled id", problem);
            });
  }

  private static ApiException badBody(String detail) {
    return new ApiException(
        HttpStatus.BAD_REQUEST, "BAD_REQUEST", "invalid sled registration", detail);
  }

  private static ApiException badParameter(String message, String detail) {
    return new ApiException(
        HttpStatus.BAD_REQUEST, "INVALID_QUERY_PARAMETER_VALUE", message, detail);
  }
}
