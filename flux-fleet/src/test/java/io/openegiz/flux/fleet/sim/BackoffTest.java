package io.openegiz.flux.fleet.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void delaysDoubleUpToTheCapWithinTheJitterBand() {
    Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), new SplittableRandom(1));
    long[] steps = {1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000};
    for (long step : steps) {
      assertThat(backoff.nextDelayMillis()).isBetween(step / 2, step);
    }
  }

  @Test
  void jitterSpreadsDevicesThatFailedTogether() {
    var delays = new HashSet<Long>();
    for (int device = 0; device < 100; device++) {
      Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), new SplittableRandom(device));
      for (int i = 0; i < 5; i++) {
        backoff.nextDelayMillis();
      }
      delays.add(backoff.nextDelayMillis());
    }
    assertThat(delays.size()).isGreaterThan(80);
    assertThat(delays).allSatisfy(d -> assertThat(d).isBetween(15_000L, 30_000L));
  }

  @Test
  void resetStartsFromTheBaseAgain() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30), new SplittableRandom(2));
    for (int i = 0; i < 10; i++) {
      backoff.nextDelayMillis();
    }
    backoff.reset();
    assertThat(backoff.nextDelayMillis()).isBetween(50L, 100L);
  }

  @Test
  void manyAttemptsDoNotOverflow() {
    Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), new SplittableRandom(3));
    for (int i = 0; i < 200; i++) {
      long delay = backoff.nextDelayMillis();
      assertThat(delay).isBetween(i < 5 ? 500L : 15_000L, 30_000L);
    }
  }
}
