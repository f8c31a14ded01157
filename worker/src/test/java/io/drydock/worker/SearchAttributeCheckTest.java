package io.drydock.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drydock.testsupport.TemporalTestServer;
import io.drydock.testsupport.TestPostgres;
import io.drydock.workflows.DrydockSearchAttributes;
import io.temporal.api.enums.v1.IndexedValueType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * The search attributes a Temporal server needs: one list, and a worker that refuses a server
 * without them.
 */
class SearchAttributeCheckTest {
  private static final Path SCRIPT = Path.of("..").resolve(SearchAttributeCheck.SCRIPT);

  @TempDir Path directories;

  @Test
  void theRegistrationScriptListsExactlyTheAttributesTheWorkflowsSetWithTheirTypes()
      throws IOException {
    Matcher list =
        Pattern.compile("SEARCH_ATTRIBUTES=\"\\$\\{DRYDOCK_SEARCH_ATTRIBUTES:-([^}]*)}\"")
            .matcher(Files.readString(SCRIPT));
    assertThat(list.find()).as(SCRIPT + " has its list in SEARCH_ATTRIBUTES").isTrue();
    Map<String, String> scripted = new LinkedHashMap<>();
    for (String pair : list.group(1).trim().split("\\s+")) {
      String[] nameAndType = pair.split("=", 2);
      scripted.put(nameAndType[0], nameAndType[1]);
    }
    Map<String, String> needed = new LinkedHashMap<>();
    DrydockSearchAttributes.all()
        .forEach((name, type) -> needed.put(name, SearchAttributeCheck.cliTypeName(type)));

    assertThat(scripted).containsExactlyEntriesOf(needed);
  }

  @Test
  void aWorkerOnANamespaceMissingASearchAttributeRefusesToStartNamingItAndTheCommandThatAddsIt()
      throws IOException {
    Files.createDirectories(directories.resolve("legacy/docker/registry/v2"));
    try (TemporalTestServer temporal = TemporalTestServer.start(allButRescanTotal())) {
      assumeTrue(
          temporal.isRealServer(), "the SDK's Java test server cannot list search attributes");
      SpringApplicationBuilder worker =
          new SpringApplicationBuilder(WorkerApplication.class).web(WebApplicationType.NONE);

      assertThatThrownBy(
              () ->
                  worker.run(
                      "--spring.datasource.url=" + TestPostgres.freshDatabase(),
                      "--spring.temporal.connection.target=" + temporal.target(),
                      "--drydock.legacy-storage-root=" + directories.resolve("legacy"),
                      "--drydock.replication.depot-dir=" + directories.resolve("depot")))
          .rootCause()
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("the Temporal namespace 'default' lacks search attributes")
          .hasMessageContaining("RescanTotal (Int) is missing")
          .hasMessageContaining("deploy/temporal/register-search-attributes.sh")
          .hasMessageContaining(
              "temporal operator search-attribute create --namespace default --name RescanTotal --type Int")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("RepositoryPath"));
    }
  }

  /** Drydock's search attributes less RescanTotal: a namespace set up for an older Drydock. */
  static Map<String, IndexedValueType> allButRescanTotal() {
    Map<String, IndexedValueType> attributes = new LinkedHashMap<>(DrydockSearchAttributes.all());
    attributes.remove(DrydockSearchAttributes.RESCAN_TOTAL.getName());
    return attributes;
  }
}
