package io.drydock.activities.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * dpkg's order, pair by pair ({@code a < b} or {@code a = b}), each also checked with {@code dpkg
 * --compare-versions} where dpkg is installed. Rows cover Debian Policy 5.6.12's rules and the
 * versions of real Debian 12 packages.
 */
class DpkgVersionTest {
  private static final Path DPKG = Path.of("/usr/bin/dpkg");

  @ParameterizedTest(name = "{0} {1} {2}")
  @CsvSource(
      delimiter = ' ',
      value = {
        // Epochs: a number before the first colon, absent is 0, and they outweigh everything after.
        "1.0 < 1:0.1",
        "1:1.0 < 2:0.1",
        "2:9.9 < 10:0.1",
        "0:1.0 < 1.1",
        "1:2.36-9 < 1:2.36-10",
        "7:1.2 < 8:0",
        // Tilde sorts before everything, even the end.
        "1.0~rc1 < 1.0",
        "1.0~~ < 1.0~",
        "1.0~~a < 1.0~",
        "1.0~ < 1.0",
        "1.0~rc1 < 1.0~rc2",
        "1.0~beta < 1.0~rc",
        "3.0.15-1~deb12u1 < 3.0.15-1",
        "3.0.11-1~deb12u2 < 3.0.15-1~deb12u1",
        "2.36-9+deb12u9 < 2.36-9+deb12u10",
        "5.2.15-2~bpo11+1 < 5.2.15-2",
        // Letters sort before other characters, and the end before letters.
        "1.0 < 1.0a",
        "1.0a < 1.0b",
        "1.0a < 1.0+",
        "1.0z < 1.0.",
        "1.0+ < 1.0.",
        "1.0.a < 1.0.+",
        "1.0A < 1.0a",
        "1.0Z < 1.0a",
        "1.0+dfsg < 1.0.1",
        // Digit runs are numbers: leading zeros do not count, longer is not larger.
        "1.9 < 1.10",
        "1.2.13 < 1.2.13.1",
        "9 < 10",
        "1.002 < 1.3",
        "20230311 < 20240203",
        "1.07 < 1.8",
        "0.9.8 < 0.10",
        // The revision is after the last hyphen and compares last; absent is empty.
        "1.0-1 < 1.0-2",
        "1.0-9 < 1.0-10",
        "1.0-1 < 1.0.1-1",
        "1.0 < 1.0-1",
        "1.2-3-4 < 1.2-3-5",
        "1.2-3-9 < 1.2-4-1",
        "7.88.1-10+deb12u7 < 7.88.1-10+deb12u8",
        "12.2.0-14 < 12.2.0-14+deb12u1",
        "2024a-0+deb12u1 < 2025b-0+deb12u1",
        "1:1.2.13.dfsg-1 < 1:1.2.13.dfsg-1+b1",
        "6.4-4 < 6.4+20230625-2",
        "2:9.0.1378-2 < 2:9.0.1378-2+deb12u1",
        "1.0+b1 < 1.0+b10",
        "2.6.1 < 2.6.1+nmu1",
        // Equal: an absent epoch is 0, an absent revision equals "0", leading zeros do not count.
        "1.0 = 1.0",
        "1.0 = 0:1.0",
        "1.0 = 1.0-0",
        "1.0-0 = 0:1.0-0",
        "1.01 = 1.1",
        "1.000 = 1.0",
        "1:1.0-1 = 01:1.0-1",
      })
  void ordersAsDpkgDoes(String a, String relation, String b) throws Exception {
    int expected = relation.equals("<") ? -1 : 0;
    assertThat(Integer.signum(DpkgVersion.compare(a, b))).isEqualTo(expected);
    assertThat(Integer.signum(DpkgVersion.compare(b, a))).isEqualTo(-expected);
    if (!Files.isExecutable(DPKG)) {
      System.out.println(
          "[version-tests] " + DPKG + " not found; the table alone is the reference");
      return;
    }
    String dpkgRelation = expected < 0 ? "lt" : "eq";
    assertThat(dpkgSays(a, dpkgRelation, b))
        .as("dpkg --compare-versions %s %s %s", a, dpkgRelation, b)
        .isTrue();
    assertThat(dpkgSays(b, "lt", a)).as("dpkg --compare-versions %s lt %s", b, a).isFalse();
  }

  private static boolean dpkgSays(String a, String relation, String b)
      throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(DPKG.toString(), "--compare-versions", a, relation, b)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(new File("/dev/null")))
            .start();
    int exit = process.waitFor();
    if (exit > 1) {
      throw new IllegalStateException(
          "dpkg --compare-versions " + String.join(" ", a, relation, b) + " exited with " + exit);
    }
    return exit == 0;
  }
}
