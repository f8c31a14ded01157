package io.drydock.activities.scan.indexer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LargeLayerStreamingTest {
  @Test
  void twoGibLayerScansInA64MibHeap() throws Exception {
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-cp",
                System.getProperty("java.class.path"),
                LargeLayerScan.class.getName())
            .redirectErrorStream(true)
            .start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();

    assertThat(child.exitValue()).as(output).isZero();
    List<String> lines = output.lines().toList();
    assertThat(Long.parseLong(value(lines, "max heap "))).isLessThanOrEqualTo(64L << 20);
    assertThat(Long.parseLong(value(lines, "read ").split(" ")[0]))
        .isGreaterThan(LargeLayerScan.BIG_FILE_BYTES);
    assertThat(lines)
        .filteredOn(line -> line.startsWith("package "))
        .containsExactly(
            "package var/lib/dpkg/status libc6 2.36-9+deb12u10 amd64",
            "package var/lib/dpkg/status tzdata 2025b-0+deb12u1 all");
  }

  private static String value(List<String> lines, String prefix) {
    return lines.stream()
        .filter(line -> line.startsWith(prefix))
        .findFirst()
        .map(line -> line.substring(prefix.length()))
        .orElseThrow(() -> new AssertionError("no '" + prefix + "' in " + lines));
  }
}
