package io.drydock.quickstart;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts all of Drydock in one process for a laptop: PostgreSQL (embedded unless {@code SPRING_DATASOURCE_URL}), a
 * Temporal server (in-process unless {@code TEMPORAL_ADDRESS}), a demo legacy storage (unless {@code
 * DRYDOCK_LEGACY_STORAGE_ROOT}), the worker and the API. State survives a restart when {@code DRYDOCK_DATA_DIR} is
 * set; otherwise everything lives in a temporary directory removed on exit.
 */
public final class DrydockQuickstart {
  private DrydockQuickstart() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> env = System.getenv();
    String configuredData = env.get("DRYDOCK_DATA_DIR");
    boolean temporaryData = configuredData == null || configuredData.isBlank();
    Path dataDirectory =
        temporaryData ? Files.createTempDirectory("drydock-") : Files.createDirectories(Path.of(configuredData));

    DevInfrastructure infrastructure = DevInfrastructure.start(env, dataDirectory);
    // System properties outrank the defaults the worker and API ship, and environment variables set by the user
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
    printBanner(context, infrastructure, dataDirectory, temporaryData);
  }

  private static void printBanner(
      ConfigurableApplicationContext context,
      DevInfrastructure infrastructure,
      Path dataDirectory,
      boolean temporaryData) {
    String port = context.getEnvironment().getProperty("local.server.port", "8080");
    StringBuilder banner = new StringBuilder("\n=== Drydock is up ===\n");
    infrastructure.summary().forEach(line -> banner.append("  ").append(line).append('\n'));
    banner.append("  API: http://localhost:").append(port).append("  (health: /actuator/health)\n");
    banner
        .append("  Data: ")
        .append(dataDirectory)
        .append(temporaryData ? " (temporary; set DRYDOCK_DATA_DIR to keep state)\n" : "\n");
    banner
        .append("  Try: curl -X PUT 'http://localhost:")
        .append(port)
        .append("/gitlab/v1/import/demo/debian/?import_type=pre'\n");
    banner.append("       curl http://localhost:").append(port).append("/gitlab/v1/import/demo/debian/\n");
    banner.append("  Ctrl-C stops everything.\n");
    System.out.println(banner);
  }
}
