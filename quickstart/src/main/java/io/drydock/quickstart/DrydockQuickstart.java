package io.drydock.quickstart;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

/**
 * Starts all of Drydock in one process for a laptop: PostgreSQL (embedded unless {@code
 * SPRING_DATASOURCE_URL}), a Temporal server (in-process unless {@code TEMPORAL_ADDRESS}), a demo
 * legacy storage (unless {@code DRYDOCK_LEGACY_STORAGE_ROOT}), a token secret (generated unless
 * {@code DRYDOCK_AUTH_JWT_SECRET}) with a ready token, the worker and the API. State survives a
 * restart when {@code DRYDOCK_DATA_DIR} is set; otherwise everything lives in a temporary directory
 * removed on exit.
 */
public final class DrydockQuickstart {
  private DrydockQuickstart() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> env = System.getenv();
    String configuredData = env.get("DRYDOCK_DATA_DIR");
    boolean temporaryData = configuredData == null || configuredData.isBlank();
    Path dataDirectory =
        temporaryData
            ? Files.createTempDirectory("drydock-")
            : Files.createDirectories(Path.of(configuredData));

    DevInfrastructure infrastructure = DevInfrastructure.start(env, dataDirectory);
    // System properties outrank the defaults the worker and API ship, and environment variables set
    // by the user
    // were honoured above by not starting the embedded component at all.
    infrastructure.properties().forEach(System::setProperty);

    SpringApplication application = new SpringApplication(QuickstartApplication.class);
    // One hook stops the application first and the database and Temporal server it uses after it.
    application.setRegisterShutdownHook(false);
    ConfigurableApplicationContext context;
    try {
      context = application.run(args);
    } catch (RuntimeException e) {
      infrastructure.close();
      throw e;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  context.close();
                  infrastructure.close();
                  if (temporaryData) {
                    DevInfrastructure.deleteRecursively(dataDirectory);
                  }
                },
                "drydock-shutdown"));
    Optional<String> devToken = devToken(context.getEnvironment(), infrastructure);
    Path tokenFile = dataDirectory.resolve("dev-token");
    if (devToken.isPresent()) {
      DevInfrastructure.writeOwnerOnly(tokenFile, devToken.get());
    }
    printBanner(context, infrastructure, dataDirectory, temporaryData, devToken, tokenFile);
  }

  /**
   * An import and operator token signed with the generated secret, carrying the issuer and audience
   * the API is configured to check, if any.
   */
  private static Optional<String> devToken(
      Environment environment, DevInfrastructure infrastructure) {
    return infrastructure
        .devSecret()
        .map(
            secret ->
                DevTokens.operatorToken(
                    secret,
                    nonBlank(
                        environment.getProperty("drydock.auth.jwt-issuer"), "drydock-quickstart"),
                    nonBlank(
                        environment.getProperty("drydock.auth.jwt-audience"), "container_registry"),
                    Instant.now()));
  }

  private static String nonBlank(String value, String otherwise) {
    return value == null || value.isBlank() ? otherwise : value;
  }

  private static void printBanner(
      ConfigurableApplicationContext context,
      DevInfrastructure infrastructure,
      Path dataDirectory,
      boolean temporaryData,
      Optional<String> devToken,
      Path tokenFile) {
    String port = context.getEnvironment().getProperty("local.server.port", "8080");
    StringBuilder banner = new StringBuilder("\n=== Drydock is up ===\n");
    infrastructure.summary().forEach(line -> banner.append("  ").append(line).append('\n'));
    banner.append("  API: http://localhost:").append(port).append("  (health: /actuator/health)\n");
    banner
        .append("  Data: ")
        .append(dataDirectory)
        .append(temporaryData ? " (temporary; set DRYDOCK_DATA_DIR to keep state)\n" : "\n");
    if (devToken.isPresent()) {
      banner
          .append("  Token: import and operator access, valid ")
          .append(DevTokens.VALIDITY.toDays())
          .append(" days; paste this line into your shell:\n    export DRYDOCK_TOKEN=")
          .append(devToken.get())
          .append("\n  (kept in ")
          .append(tokenFile)
          .append("; scripts: export DRYDOCK_TOKEN=$(cat ")
          .append(tokenFile)
          .append("))\n");
    } else {
      banner.append(
          "  Token: mint one with DRYDOCK_AUTH_JWT_SECRET as docs/authentication.md shows, into DRYDOCK_TOKEN\n");
    }
    banner
        .append("  Try: curl -X PUT -H \"Authorization: Bearer $DRYDOCK_TOKEN\" 'http://localhost:")
        .append(port)
        .append("/gitlab/v1/import/demo/debian/?import_type=pre'\n");
    banner
        .append("       curl -H \"Authorization: Bearer $DRYDOCK_TOKEN\" http://localhost:")
        .append(port)
        .append("/gitlab/v1/import/demo/debian/\n");
    banner.append("  Ctrl-C stops everything.\n");
    System.out.println(banner);
  }
}
