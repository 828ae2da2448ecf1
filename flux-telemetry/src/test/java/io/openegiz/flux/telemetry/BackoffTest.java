package io.openegiz.flux.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openegiz.flux.telemetry.Backoff.Jitter;
import io.openegiz.flux.telemetry.Backoff.Retries;
import java.time.Duration;
import java.util.HashSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final Backoff DEVICE = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), Jitter.EQUAL);

  @Test
  void stepsDoubleUpToTheCap() {
    Backoff storm = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(2), Jitter.FULL);
    assertThat(storm.stepMillis(0)).isEqualTo(1_000);
    assertThat(storm.stepMillis(1)).isEqualTo(2_000);
    assertThat(storm.stepMillis(40)).isEqualTo(2_000);
    assertThat(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), Jitter.FULL).stepMillis(3)).isEqualTo(800);
  }

  @Test
  void equalJitterStaysInTheUpperHalfOfEachStep() {
    Retries retries = DEVICE.retries(new SplittableRandom(1));
    long[] steps = {1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000};
    for (long step : steps) {
      assertThat(retries.nextDelayMillis()).isBetween(step / 2, step);
    }
    assertThat(retries.attempts()).isEqualTo(steps.length);
  }

  @Test
  void fullJitterSpansTheWholeStep() {
    Backoff storm = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(2), Jitter.FULL);
    SplittableRandom r = new SplittableRandom(1);
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < 10_000; i++) {
      long d = storm.delayMillis(0, r);
      min = Math.min(min, d);
      max = Math.max(max, d);
    }
    assertThat(min).isBetween(0L, 10L);
    assertThat(max).isBetween(990L, 1_000L);
  }

  @Test
  void jitterSpreadsClientsThatFailedTogether() {
    var delays = new HashSet<Long>();
    for (int device = 0; device < 100; device++) {
      Retries retries = DEVICE.retries(new SplittableRandom(device));
      for (int i = 0; i < 5; i++) {
        retries.nextDelayMillis();
      }
      delays.add(retries.nextDelayMillis());
    }
    assertThat(delays.size()).isGreaterThan(80);
    assertThat(delays).allSatisfy(d -> assertThat(d).isBetween(15_000L, 30_000L));
  }

  @Test
  void resetStartsFromTheBaseAgain() {
    Retries retries = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30), Jitter.EQUAL)
        .retries(new SplittableRandom(2));
    for (int i = 0; i < 10; i++) {
      retries.nextDelayMillis();
    }
    retries.reset();
    assertThat(retries.attempts()).isZero();
    assertThat(retries.next()).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
  }

  @Test
  void manyAttemptsDoNotOverflow() {
    Retries retries = DEVICE.retries(new SplittableRandom(3));
    for (int i = 0; i < 200; i++) {
      assertThat(retries.nextDelayMillis()).isBetween(i < 5 ? 500L : 15_000L, 30_000L);
    }
  }

  @Test
  void refusesNonsense() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofMillis(10), Jitter.FULL))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 ms <= base <= cap");
    assertThatThrownBy(() -> new Backoff(Duration.ofMillis(10), Duration.ofMillis(5), Jitter.FULL))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
