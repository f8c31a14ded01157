package io.drydock.sledagent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.OpenApi30;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.List;

/**
 * One of omicron's OpenAPI documents, copied under {@code src/test/resources/omicron/} (see the
 * README there), and the check that an answer is one the document allows: its status is listed for
 * the operation (exactly or as {@code 4XX} / {@code 5XX}), and its body has the listed media type
 * and validates against the listed schema with networknt's OpenAPI 3.0 dialect. Public for
 * activities' tests of Drydock's sled client, which check their omicron stub with it.
 */
public final class OmicronDocument {
  // Its own mapper: activities' tests load this class without the agent's classes (SledClient's
  // needs ApiVersion).
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SchemaRegistry SCHEMAS =
      SchemaRegistry.withDefaultDialect(OpenApi30.getInstance());
  // After the two above, which the constructor uses.
  public static final OmicronDocument SLED_AGENT =
      new OmicronDocument("omicron/sled-agent-48.0.0-808ec1.json");
  public static final OmicronDocument REPO_DEPOT =
      new OmicronDocument("omicron/repo-depot-1.0.0-65083f.json");

  private final String resource;
  private final JsonNode document;

  private OmicronDocument(String resource) {
    this.resource = resource;
    try (InputStream in = OmicronDocument.class.getClassLoader().getResourceAsStream(resource)) {
      this.document = JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The API version the document describes, which a client of it sends as {@code api-version}. */
  public String version() {
    return document.path("info").path("version").asText();
  }

  /**
   * That {@code response} is an answer the document allows for {@code method} on {@code
   * pathTemplate}.
   */
  void assertAllows(String method, String pathTemplate, HttpResponse<String> response) {
    assertAllows(
        method,
        pathTemplate,
        response.statusCode(),
        response.headers().firstValue("Content-Type").orElse(""),
        response.body());
  }

  /**
   * That an answer of {@code status}, {@code contentType} and {@code body} is one the document
   * allows.
   */
  public void assertAllows(
      String method, String pathTemplate, int status, String contentType, String body) {
    JsonNode operation =
        document.path("paths").path(pathTemplate).path(method.toLowerCase(java.util.Locale.ROOT));
    assertThat(operation.isObject()).as("%s %s in %s", method, pathTemplate, resource).isTrue();
    JsonNode documented = operation.path("responses").path(String.valueOf(status));
    if (documented.isMissingNode()) {
      documented = operation.path("responses").path((status / 100) + "XX");
    }
    String what = method + " " + pathTemplate + " " + status + " " + body;
    assertThat(documented.isObject()).as("status of %s listed in %s", what, resource).isTrue();
    documented = resolve(documented);
    JsonNode content = documented.path("content");
    if (content.isMissingNode()) {
      assertThat(body).as("%s has no body", what).isEmpty();
      return;
    }
    String mediaType = content.fieldNames().next();
    if (mediaType.equals("application/json")) {
      assertThat(contentType).as("Content-Type of %s", what).startsWith("application/json");
      assertConforms(content.path(mediaType).path("schema"), body, what);
    } else {
      // "*/*" with an empty schema: the repo depot's artifact bytes.
      assertThat(mediaType).isEqualTo("*/*");
    }
  }

  /** That {@code json} validates against the document's component schema {@code name}. */
  void assertIsA(String name, String json) {
    assertConforms(
        JSON.createObjectNode().put("$ref", "#/components/schemas/" + name),
        json,
        name + " " + json);
  }

  private void assertConforms(JsonNode schemaNode, String json, String what) {
    JsonNode ref = schemaNode.path("$ref");
    assertThat(ref.isTextual()).as("schema of %s is a component", what).isTrue();
    Schema schema = SCHEMAS.getSchema(SchemaLocation.of("classpath:" + resource + ref.asText()));
    JsonNode instance;
    try {
      instance = JSON.readTree(json);
    } catch (IOException e) {
      throw new AssertionError(what + " is not JSON", e);
    }
    List<Error> errors = schema.validate(instance);
    assertThat(errors).as("%s against %s%s", what, resource, ref.asText()).isEmpty();
  }

  private JsonNode resolve(JsonNode node) {
    JsonNode ref = node.path("$ref");
    return ref.isTextual() ? document.at(ref.asText().substring(1)) : node;
  }
}
