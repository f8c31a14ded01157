package io.drydock.quickstart.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.quickstart.DrydockStack;
import io.drydock.quickstart.ScanTestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The OpenAPI document at /v3/api-docs is the contract the controllers really answer: it names
 * every route they map, and real answers of the README's try-it steps, refusals included, validate
 * against it (Atlassian's swagger-request-validator: status, media type, body schema).
 */
class OpenApiEndToEndTest {
  /**
   * A copy of the demo's Debian repository: other test classes of the shared stack import the
   * demo's own.
   */
  private static final String REPOSITORY = "openapi/debian";

  private final DrydockStack stack = DrydockStack.shared();
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void theDocumentIsPublicAndNamesEveryRouteTheControllersMap() {
    Set<String> documented = new TreeSet<>();
    document()
        .path("paths")
        .properties()
        .forEach(
            path ->
                path.getValue()
                    .properties()
                    .forEach(
                        operation ->
                            documented.add(
                                operation.getKey().toUpperCase(Locale.ROOT)
                                    + " "
                                    + route(path.getKey()))));

    Set<String> mapped = new TreeSet<>();
    stack
        .context
        .getBean("requestMappingHandlerMapping", RequestMappingHandlerMapping.class)
        .getHandlerMethods()
        .forEach(
            (info, handler) -> {
              if (handler.getBeanType().getPackageName().startsWith("io.drydock.api")) {
                for (String pattern : info.getPatternValues()) {
                  for (RequestMethod method : info.getMethodsCondition().getMethods()) {
                    mapped.add(method + " " + route(pattern));
                  }
                }
              }
            });
    assertThat(mapped).as("routes the controllers map").hasSizeGreaterThan(20);
    assertThat(documented).as("routes the document names").isEqualTo(mapped);
  }

  @Test
  void realAnswersOfTheTryItStepsAndTheirRefusalsMatchTheDocument() {
    OpenApiInteractionValidator validator =
        OpenApiInteractionValidator.createForInlineApiSpecification(
                stack.request("GET", "/v3/api-docs", Optional.empty()).body())
            .build();
    List<String> problems = new ArrayList<>();
    Exchange exchange =
        (method, path, body, templated) -> {
          HttpResponse<String> answer = send(method, path, body);
          SimpleResponse.Builder response = SimpleResponse.Builder.status(answer.statusCode());
          answer.headers().firstValue("Content-Type").ifPresent(response::withContentType);
          if (!answer.body().isEmpty()) {
            response.withBody(answer.body());
          }
          ValidationReport report =
              validator.validateResponse(
                  URI.create(templated).getRawPath(),
                  Request.Method.valueOf(method),
                  response.build());
          if (report.hasErrors()) {
            problems.add(
                method
                    + " "
                    + path
                    + " -> "
                    + answer.statusCode()
                    + " "
                    + answer.body()
                    + ": "
                    + report);
          }
          return answer;
        };
    String encoded = REPOSITORY.replace("/", "%2F");
    stack.copyRepository("demo/debian", REPOSITORY);

    exchange.send("GET", "/gitlab/v1/", null, "/gitlab/v1/");
    exchange.send(
        "GET", "/gitlab/v1/import/" + REPOSITORY + "/", null, "/gitlab/v1/import/" + encoded + "/");
    exchange.send(
        "GET",
        "/gitlab/v1/import/no/such-repository/",
        null,
        "/gitlab/v1/import/no%2Fsuch-repository/");
    exchange.send(
        "PUT",
        "/gitlab/v1/import/" + REPOSITORY + "/?import_type=bogus",
        null,
        "/gitlab/v1/import/" + encoded + "/");
    new ScanTestClient(stack.baseUrl).importRepository(REPOSITORY);
    exchange.send(
        "PUT",
        "/gitlab/v1/import/" + REPOSITORY + "/?import_type=final",
        null,
        "/gitlab/v1/import/" + encoded + "/");
    exchange.send(
        "POST",
        "/api/v1/operator/imports/" + REPOSITORY + "/retry",
        null,
        "/api/v1/operator/imports/" + encoded + "/retry");

    JsonNode statuses =
        DrydockStack.json(
            exchange.send(
                "GET",
                "/api/v1/scan-status?repository=" + REPOSITORY,
                null,
                "/api/v1/scan-status"));
    String digest = statuses.path("manifests").path(0).path("digest").asText();
    exchange.send(
        "POST",
        "/indexer/api/v1/index_report",
        "{\"hash\":\"" + digest + "\"}",
        "/indexer/api/v1/index_report");
    exchange.send(
        "GET",
        "/indexer/api/v1/index_report/" + digest,
        null,
        "/indexer/api/v1/index_report/" + digest);
    exchange.send(
        "GET",
        "/indexer/api/v1/index_report/sha256:" + "0".repeat(64),
        null,
        "/indexer/api/v1/index_report/sha256:" + "0".repeat(64));
    exchange.send("GET", "/indexer/api/v1/index_state", null, "/indexer/api/v1/index_state");
    exchange.send(
        "POST",
        "/indexer/api/v1/index_report",
        "{\"hash\":\"not-a-digest\"}",
        "/indexer/api/v1/index_report");
    String rescan =
        DrydockStack.json(
                exchange.send(
                    "POST",
                    "/api/v1/rescans",
                    "{\"repository\":\"" + REPOSITORY + "\"}",
                    "/api/v1/rescans"))
            .path("id")
            .asText();
    exchange.send("GET", "/api/v1/rescans/" + rescan, null, "/api/v1/rescans/" + rescan);
    // Ended before the next test class of the shared stack counts rescans.
    new ScanTestClient(stack.baseUrl).awaitBulkRescan(rescan, "finished", Duration.ofSeconds(120));
    exchange.send("GET", "/api/v1/rescans/no-such-rescan", null, "/api/v1/rescans/no-such-rescan");
    exchange.send("GET", "/api/v1/sleds", null, "/api/v1/sleds");
    exchange.send("GET", "/api/v1/replication", null, "/api/v1/replication");
    exchange.send("GET", "/api/v1/artifact-repositories", null, "/api/v1/artifact-repositories");

    assertThat(problems).isEmpty();
  }

  private interface Exchange {
    /**
     * Sends the request, validates the answer against the operation of {@code templated}, returns
     * the answer.
     */
    HttpResponse<String> send(String method, String path, String body, String templated);
  }

  private HttpResponse<String> send(String method, String path, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(stack.baseUrl + path))
            .header("Authorization", "Bearer " + stack.operatorToken());
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    return DrydockStack.send(http, request.build());
  }

  private JsonNode document() {
    HttpResponse<String> answer = stack.request("GET", "/v3/api-docs", Optional.empty());
    assertThat(answer.statusCode()).as("served without a token: " + answer.body()).isEqualTo(200);
    return DrydockStack.json(answer);
  }

  /**
   * A route as both sides write it, with each run of trailing parameters as one: the controllers
   * capture a repository path whole ({@code /{*path}}), the document spells it {@code /{path}/} or
   * {@code /{path}/{signal}}.
   */
  private static String route(String pattern) {
    return pattern.replaceAll("(/\\{[^}]*\\})+/?$", "/{…}");
  }
}
