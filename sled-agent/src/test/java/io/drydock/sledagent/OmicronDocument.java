package io.drydock.sledagent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
 * One of omicron's OpenAPI documents, copied under {@code src/test/resources/omicron/} (see the README there), and the
 * check that an answer is one the document allows: its status is listed for the operation (exactly or as {@code 4XX}
 * / {@code 5XX}), and its body has the listed media type and validates against the listed schema with networknt's
 * OpenAPI 3.0 dialect.
 */
final class OmicronDocument {
  static final OmicronDocument SLED_AGENT = new OmicronDocument("omicron/sled-agent-48.0.0-808ec1.json");
  static final OmicronDocument REPO_DEPOT = new OmicronDocument("omicron/repo-depot-1.0.0-65083f.json");

  private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(OpenApi30.getInstance());

  private final String resource;
  private final JsonNode document;

  private OmicronDocument(String resource) {
    this.resource = resource;
    try (InputStream in = OmicronDocument.class.getClassLoader().getResourceAsStream(resource)) {
      this.document = SledClient.JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The API version the document describes, which a client of it sends as {@code api-version}. */
  String version() {
    return document.path("info").path("version").asText();
  }

  /** That {@code response} is an answer the document allows for {@code method} on {@code pathTemplate}. */
  void assertAllows(String method, String pathTemplate, HttpResponse<String> response) {
    JsonNode operation = document.path("paths").path(pathTemplate).path(method.toLowerCase(java.util.Locale.ROOT));
    assertThat(operation.isObject()).as("%s %s in %s", method, pathTemplate, resource).isTrue();
    int status = response.statusCode();
    JsonNode documented = operation.path("responses").path(String.valueOf(status));
    if (documented.isMissingNode()) {
      documented = operation.path("responses").path((status / 100) + "XX");
    }
    String what = method + " " + pathTemplate + " " + status + " " + response.body();
    assertThat(documented.isObject()).as("status of %s listed in %s", what, resource).isTrue();
    documented = resolve(documented);
    JsonNode content = documented.path("content");
    if (content.isMissingNode()) {
      assertThat(response.body()).as("%s has no body", what).isEmpty();
      return;
    }
    String mediaType = content.fieldNames().next();
    String contentType = response.headers().firstValue("Content-Type").orElse("");
    if (mediaType.equals("application/json")) {
      assertThat(contentType).as("Content-Type of %s", what).startsWith("application/json");
      assertConforms(content.path(mediaType).path("schema"), response.body(), what);
    } else {
      // "*/*" with an empty schema: the repo depot's artifact bytes.
      assertThat(mediaType).isEqualTo("*/*");
    }
  }

  /** That {@code json} validates against the document's component schema {@code name}. */
  void assertIsA(String name, String json) {
    assertConforms(SledClient.JSON.createObjectNode().put("$ref", "#/components/schemas/" + name), json, name + " " + json);
  }

  private void assertConforms(JsonNode schemaNode, String json, String what) {
    JsonNode ref = schemaNode.path("$ref");
    assertThat(ref.isTextual()).as("schema of %s is a component", what).isTrue();
    Schema schema = SCHEMAS.getSchema(SchemaLocation.of("classpath:" + resource + ref.asText()));
    JsonNode instance;
    try {
      instance = SledClient.JSON.readTree(json);
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
