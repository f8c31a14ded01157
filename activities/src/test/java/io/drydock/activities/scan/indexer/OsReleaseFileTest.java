package io.drydock.activities.scan.indexer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OsReleaseFileTest {
  @Test
  void quotingMeansWhatItMeansToTheShell() {
    Map<String, String> parsed = OsReleaseFile.parse(TestLayer.resource("os-release-quoting"));

    assertThat(parsed).isEqualTo(HostTool.sourcedVariables("os-release-quoting", parsed.keySet()));
    assertThat(parsed)
        .containsEntry("VERSION", "1.0 (\"Quoted\" Edition) $5 \\ back`tick`")
        .containsEntry("ID", "example-final")
        .containsEntry("VERSION_ID", "1.0")
        .containsEntry("VERSION_CODENAME", "")
        .containsEntry("PRETTY_NAME", "Example Linux 1.0")
        .containsEntry("HOME_URL", "https://example.org/ with spaces");
  }

  @Test
  void realDebianOsReleaseMatchesTheShell() {
    Map<String, String> parsed = OsReleaseFile.parse(TestLayer.resource("debian-os-release"));

    assertThat(parsed).isEqualTo(HostTool.sourcedVariables("debian-os-release", parsed.keySet()));
    assertThat(parsed).containsEntry("ID", "debian").containsKey("PRETTY_NAME");
  }

  @Test
  void crlfLinesAndEmptyFiles() {
    assertThat(OsReleaseFile.parse("ID=alpine\r\nNAME=\"Alpine Linux\"\r\n"))
        .isEqualTo(Map.of("ID", "alpine", "NAME", "Alpine Linux"));
    assertThat(OsReleaseFile.parse("")).isEmpty();
    assertThat(OsReleaseFile.parse("# only a comment\n\nnot an assignment\n=x\n1ID=x\n")).isEmpty();
  }
}
