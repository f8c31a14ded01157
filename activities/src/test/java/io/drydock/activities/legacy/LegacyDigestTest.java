package io.drydock.activities.legacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LegacyDigestTest {
  private static final String EMPTY_SHA256 =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  @Test
  void parsesAndPrintsSha256Digests() {
    Digest digest = Digest.parse("sha256:" + EMPTY_SHA256);

    assertThat(digest.algorithm()).isEqualTo("sha256");
    assertThat(digest.hex()).isEqualTo(EMPTY_SHA256);
    assertThat(digest).hasToString("sha256:" + EMPTY_SHA256);
    assertThat(Digest.parse(digest.toString())).isEqualTo(digest);
  }

  @Test
  void computesSha256() {
    assertThat(Digest.sha256Of(new byte[0])).isEqualTo(new Digest("sha256", EMPTY_SHA256));
    assertThat(Digest.sha256Of("abc".getBytes(StandardCharsets.US_ASCII)))
        .hasToString("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "sha256",
        "sha256:",
        EMPTY_SHA256,
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85",
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8555",
        "sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
        "sha256:g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "SHA256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "sha512:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        " sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n",
        "sha256:../../../../etc/passwd",
      })
  void rejectsAnythingButSha256WithLowerCaseHex(String input) {
    assertThatThrownBy(() -> Digest.parse(input))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid digest")
        .hasMessageContaining("64 lower-case hex");
  }

  @Test
  void rejectsNull() {
    assertThatThrownBy(() -> Digest.parse(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void abbreviatesHugeInputsInMessages() {
    assertThatThrownBy(() -> Digest.parse("x".repeat(100_000)))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300));
  }

  @Test
  void constructorKeepsTheSameRules() {
    assertThatThrownBy(() -> new Digest("md5", "d41d8cd98f00b204e9800998ecf8427e"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only sha256");
    assertThatThrownBy(() -> new Digest("sha256", EMPTY_SHA256.toUpperCase()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Digest("sha256", "../" + EMPTY_SHA256.substring(3)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
