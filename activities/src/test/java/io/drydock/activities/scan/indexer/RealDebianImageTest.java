package io.drydock.activities.scan.indexer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scans a layer holding the real dpkg status file and os-release of a Debian 12 machine, and checks
 * the result against dpkg-query and the shell on the same files.
 */
class RealDebianImageTest {
  private static final String STATUS_RESOURCE = "debian-dpkg-status";

  @Test
  void indexedPackagesAreExactlyWhatDpkgQueryCallsInstalled(@TempDir Path admin) {
    String status = TestLayer.resource(STATUS_RESOURCE);
    TestLayer.write(admin.resolve("status"), status);
    List<String> expected = DpkgQuery.installed(admin, STATUS_RESOURCE + ".dpkg-query");

    IndexContents contents = Coalescer.coalesce(List.of(debianLayer(status)));

    assertThat(expected).hasSizeGreaterThan(500);
    assertThat(
            contents.packages().values().stream()
                .map(
                    p ->
                        p.name()
                            + " "
                            + p.version()
                            + " "
                            + p.arch()
                            + " "
                            + p.source().name()
                            + " "
                            + p.source().version())
                .toList())
        .containsExactlyInAnyOrderElementsOf(expected);
    assertThat(contents.environments().values())
        .allSatisfy(
            environments ->
                assertThat(environments)
                    .singleElement()
                    .extracting(Environment::introducedIn)
                    .isEqualTo(TestLayer.digest(1)));
  }

  /**
   * Every package object has only claircore's fields (quay/claircore {@code package.go} at v1.5.52,
   * b882dc5d2b7309c53d10f1cd021bb5c9c86e4514, so a decoder refusing unknown fields reads it) and a
   * source package object, which Clair's matchers dereference.
   */
  @Test
  void everyPackageHasASourcePackageAndOnlyClaircoresFields() throws Exception {
    IndexReport report =
        IndexReport.finished(
            "sha256:" + "a".repeat(64),
            Coalescer.coalesce(List.of(debianLayer(TestLayer.resource(STATUS_RESOURCE)))));
    JsonNode packages =
        new ObjectMapper().readTree(new ObjectMapper().writeValueAsString(report)).path("packages");
    Set<String> claircoreFields =
        Set.of(
            "id",
            "name",
            "version",
            "kind",
            "source",
            "normalized_version",
            "module",
            "arch",
            "cpe",
            "detector");

    assertThat(packages.size()).isGreaterThan(500);
    for (JsonNode binary : packages) {
      JsonNode source = binary.path("source");
      assertThat(source.isObject()).as(binary.toString()).isTrue();
      assertThat(source.path("kind").asText()).isEqualTo("source");
      assertThat(source.path("name").asText()).isNotEmpty();
      assertThat(source.path("version").asText()).isNotEmpty();
      for (JsonNode pkg : List.of(binary, source)) {
        List<String> fields = new ArrayList<>();
        pkg.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).as(pkg.toString()).isSubsetOf(claircoreFields);
      }
    }
  }

  @Test
  void sourceVersionsComeFromTheSourceFieldWhenItHasOne() {
    IndexContents contents =
        Coalescer.coalesce(List.of(debianLayer(TestLayer.resource(STATUS_RESOURCE))));

    // bash's binary is a binNMU (+b), built from an older source version.
    Package bash =
        contents.packages().values().stream()
            .filter(p -> p.name().equals("bash"))
            .findFirst()
            .orElseThrow();
    assertThat(bash.source().name()).isEqualTo("bash");
    assertThat(bash.source().version()).isEqualTo("5.2.15-2");
    assertThat(bash.version()).startsWith("5.2.15-2+b");
  }

  @Test
  void distributionIsWhatTheShellReadsFromTheRealOsRelease() {
    Map<String, String> shell = HostTool.sourcedVariables("debian-os-release", List.of());

    IndexContents contents =
        Coalescer.coalesce(List.of(debianLayer(TestLayer.resource(STATUS_RESOURCE))));

    assertThat(contents.distributions())
        .containsExactly(
            Map.entry(
                "1",
                new Distribution(
                    "1",
                    shell.get("ID"),
                    shell.get("NAME"),
                    shell.get("VERSION"),
                    shell.get("VERSION_CODENAME"),
                    shell.get("VERSION_ID"),
                    "",
                    "",
                    shell.get("PRETTY_NAME"))));
    assertThat(contents.distributions().get("1").did()).isEqualTo("debian");
  }

  /** A base layer as Debian's images have it: etc/os-release links to usr/lib/os-release. */
  private static ScannedLayer debianLayer(String status) {
    return TestLayer.builder()
        .directory("./")
        .directory("./etc")
        .symlink("./etc/os-release", "../usr/lib/os-release")
        .resourceFile("./usr/lib/os-release", "debian-os-release")
        .file("./var/lib/dpkg/status", status)
        .scanned(1);
  }
}
