package io.drydock.activities.replication;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CopyPollsTest {
  @Test
  void aCopyIsSeenAtMostAFifthOfItsTimeAndTwentyMillisecondsAfterItLanded() {
    for (long landedAt = 1; landedAt <= 120_000; landedAt += 7) {
      long listedAt = 0;
      while (listedAt < landedAt) {
        listedAt += CopyPolls.nextWaitMillis(listedAt);
      }
      assertThat(listedAt - landedAt)
          .as("late for a copy that landed after %d ms", landedAt)
          .isLessThanOrEqualTo(Math.max(CopyPolls.FIRST_MILLIS, landedAt / 5));
    }
  }

  @Test
  void listingsStartTwentyMillisecondsApartAndEndASecondApart() {
    assertThat(CopyPolls.nextWaitMillis(0)).isEqualTo(20);
    assertThat(CopyPolls.nextWaitMillis(50)).isEqualTo(20);
    assertThat(CopyPolls.nextWaitMillis(500)).isEqualTo(100);
    assertThat(CopyPolls.nextWaitMillis(600_000)).isEqualTo(1000);
  }
}
