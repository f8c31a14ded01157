package io.drydock.activities.replication;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one rule for text that replication stores or logs. */
class StoredTextTest {
  @Test
  void textInAnyScriptWithSurrogatePairsIsAcceptedAsItIs() {
    String text = "Grüße, 世界 \uD83D\uDE80 1.0.0-rc.1+build/7 ~!@#$%^&*()";

    assertThat(StoredText.problem("name", text)).isEmpty();
    assertThat(StoredText.printable(text)).isSameAs(text);
    assertThat(StoredText.problem("name", "")).isEmpty();
  }

  @Test
  void controlCharactersAreNamedWithTheirIndex() {
    assertThat(StoredText.problem("signed.custom.name", "ab\u0000"))
        .contains("signed.custom.name holds a control character (\\u0000) at index 2");
    for (char control :
        new char[] {'\u0001', '\t', '\n', '\r', '\u001f', '\u007f', '\u0080', '\u009f'}) {
      assertThat(StoredText.problem("f", "x" + control)).as("U+%04X", (int) control).isPresent();
    }
  }

  @Test
  void unpairedSurrogatesAreRefusedAndPairsAreNot() {
    assertThat(StoredText.problem("f", "a\uD800"))
        .contains("f holds an unpaired surrogate (\\uD800) at index 1");
    assertThat(StoredText.problem("f", "\uDE80\uD83D"))
        .contains("f holds an unpaired surrogate (\\uDE80) at index 0");
    assertThat(StoredText.problem("f", "\uD83D\uDE80\uDE80"))
        .contains("f holds an unpaired surrogate (\\uDE80) at index 2");
  }

  @Test
  void printableEscapesExactlyWhatIsRefused() {
    assertThat(StoredText.printable("a\u0000b\u001b[2J\uD83D\uDE80\uD800\n"))
        .isEqualTo("a\\u0000b\\u001B[2J\uD83D\uDE80\\uD800\\u000A");
    assertThat(StoredText.printable(null)).isNull();
  }
}
