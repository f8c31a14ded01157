package io.drydock.api.openapi;

import io.drydock.api.errors.ClairError;
import io.drydock.api.errors.ErrorEnvelope;
import io.drydock.api.errors.OciError;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document springdoc builds from the controllers, completed with what annotations
 * cannot say once for all operations: the two security schemes, and the error envelope of each path
 * (Clair's under {@code /indexer/}, the OCI envelope elsewhere) as every operation's {@code
 * default} answer, which is what {@link ErrorEnvelope} renders for any refusal, whoever raises it.
 */
@Configuration(proxyBeanMethods = false)
public class OpenApiConfiguration {
  static final String REGISTRY_TOKEN = "registryToken";
  static final String CLAIR_PSK = "clairPsk";
  private static final String OCI_ERROR = "OciError";
  private static final String CLAIR_ERROR = "ClairError";

  @Bean
  OpenAPI drydockOpenApi(ObjectProvider<BuildProperties> build) {
    Components components =
        new Components()
            .addSecuritySchemes(
                REGISTRY_TOKEN,
                new SecurityScheme()
                    .type(SecurityScheme.Type.HTTP)
                    .scheme("bearer")
                    .bearerFormat("JWT")
                    .description(
                        "A registry token as GitLab issues them: its `access` claim grants `registry:import` the"
                            + " action `*` (callers) or `operator` (operator endpoints); docs/authentication.md"))
            .addSecuritySchemes(
                CLAIR_PSK,
                new SecurityScheme()
                    .type(SecurityScheme.Type.HTTP)
                    .scheme("bearer")
                    .bearerFormat("JWT")
                    .description(
                        "Clair's intra-service token, HS256 with the pre-shared key DRYDOCK_CLAIR_PSK: opens"
                            + " /indexer/** only"));
    return new OpenAPI()
        .info(
            new Info()
                .title("Drydock")
                .version(
                    Optional.ofNullable(build.getIfAvailable())
                        .map(BuildProperties::getVersion)
                        .orElse("dev"))
                .description(
                    "Durable registry jobs on Temporal: GitLab's import API, Clair's indexer API, rescans, and"
                        + " artifact replication to sleds. The manual is docs/ in the repository."))
        .components(components)
        .addSecurityItem(new SecurityRequirement().addList(REGISTRY_TOKEN));
  }

  /**
   * Every operation: its security and its refusals in the envelope of its path; and the repository
   * paths, which the controllers capture whole ({@code {*path}}, slashes included), written as
   * GitLab documents them.
   */
  @Bean
  OpenApiCustomizer drydockOperationDefaults() {
    return openApi -> {
      // Here rather than in the OpenAPI bean: springdoc drops the bean's schemas that no operation
      // refers to yet.
      Components components =
          Optional.ofNullable(openApi.getComponents()).orElseGet(Components::new);
      addSchemas(components, OciError.class, OCI_ERROR, "OCI distribution error envelope");
      addSchemas(components, ClairError.Body.class, CLAIR_ERROR, "Clair's error envelope");
      openApi.setComponents(components);
      Paths paths = new Paths();
      Optional.ofNullable(openApi.getPaths())
          .orElseGet(Paths::new)
          .forEach(
              (path, item) ->
                  paths.addPathItem(RepositoryPathParameters.documented(path, item), item));
      openApi.setPaths(paths);
      paths.forEach(
          (path, item) -> {
            boolean clair = ErrorEnvelope.isClairPath(path);
            for (Operation operation : item.readOperations()) {
              ApiResponses responses =
                  Optional.ofNullable(operation.getResponses()).orElseGet(ApiResponses::new);
              if (clair) {
                operation.setSecurity(
                    List.of(
                        new SecurityRequirement().addList(REGISTRY_TOKEN),
                        new SecurityRequirement().addList(CLAIR_PSK)));
                responses.values().forEach(OpenApiConfiguration::offerJsonBesideClairTypes);
              }
              responses.addApiResponse("default", refusal(clair ? CLAIR_ERROR : OCI_ERROR));
              operation.setResponses(responses);
            }
          });
    };
  }

  /**
   * Clair's server (its {@code pickContentType}) answers each of its own media types as {@code
   * application/json} too, to a client that asks for that: so does every operation under {@code
   * /indexer/}.
   */
  private static void offerJsonBesideClairTypes(ApiResponse response) {
    Content content = response.getContent();
    if (content == null) {
      return;
    }
    List.copyOf(content.entrySet()).stream()
        .filter(type -> type.getKey().startsWith("application/vnd.clair."))
        .forEach(
            type ->
                content.putIfAbsent(
                    org.springframework.http.MediaType.APPLICATION_JSON_VALUE, type.getValue()));
  }

  private static ApiResponse refusal(String schema) {
    return new ApiResponse()
        .description("Refused: the error envelope of the path (docs/errors.md)")
        .content(
            new Content()
                .addMediaType(
                    org.springframework.http.MediaType.APPLICATION_JSON_VALUE,
                    new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + schema))));
  }

  /**
   * The type's schema under {@code name}, with the schemas of the types it holds under their own
   * names.
   */
  @SuppressWarnings("rawtypes")
  private static void addSchemas(
      Components components, Class<?> type, String name, String description) {
    Map<String, Schema> schemas = ModelConverters.getInstance().readAll(type);
    schemas.forEach(
        (schemaName, schema) -> {
          if (schema.getProperties() != null && schema.getProperties().containsKey("detail")) {
            // The OCI envelope's detail is whatever the error carries: a string, an object, or
            // nothing.
            schema
                .getProperties()
                .put(
                    "detail", new Schema<>().nullable(true).description("what the error is about"));
          }
          if (schemaName.equals(type.getSimpleName())) {
            schema.setDescription(description);
            components.addSchemas(name, schema);
          } else {
            components.addSchemas(schemaName, schema);
          }
        });
  }
}
