package io.drydock.api.openapi;

import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.PathParameter;
import java.util.ArrayList;
import java.util.List;

/**
 * The import and operator endpoints take a repository path, which has slashes ({@code
 * group/project/image}); their handlers capture the rest of the URL and parse it themselves.
 * OpenAPI has no multi-segment parameter, so the document writes them as GitLab's registry
 * documents its import routes, {@code /gitlab/v1/import/{path}/}, and says that {@code path} spans
 * segments.
 */
final class RepositoryPathParameters {
  private static final String IMPORT = "/gitlab/v1/import/{path}";
  private static final String OPERATOR = "/api/v1/operator/imports/{pathAndSignal}";

  private RepositoryPathParameters() {}

  /**
   * The path under which the document lists {@code item}, whose parameters are rewritten to match
   * it.
   */
  static String documented(String path, PathItem item) {
    if (path.equals(IMPORT)) {
      item.readOperations()
          .forEach(operation -> replacePathParameters(operation, List.of(repositoryPath())));
      return IMPORT + "/";
    }
    if (path.equals(OPERATOR)) {
      Parameter signal =
          new PathParameter()
              .name("signal")
              .description("`retry` a failed run, or `cancel` the run")
              .schema(new StringSchema()._enum(List.of("retry", "cancel")));
      item.readOperations()
          .forEach(
              operation -> replacePathParameters(operation, List.of(repositoryPath(), signal)));
      return "/api/v1/operator/imports/{path}/{signal}";
    }
    return path;
  }

  private static Parameter repositoryPath() {
    return new PathParameter()
        .name("path")
        .description("the repository path, slashes included (`group/project/image`), unescaped")
        .schema(new StringSchema().example("gitlab-org/build/cng/gitlab-container-registry"));
  }

  private static void replacePathParameters(Operation operation, List<Parameter> pathParameters) {
    List<Parameter> parameters = new ArrayList<>(pathParameters);
    if (operation.getParameters() != null) {
      operation.getParameters().stream()
          .filter(p -> !"path".equals(p.getIn()))
          .forEach(parameters::add);
    }
    operation.setParameters(parameters);
  }
}
