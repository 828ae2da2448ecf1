package io.openegiz.flux.fleet.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void firstAttemptWaitsUpToOneSecondThenDoublesUpToTwo() {
    assertThat(Backoff.STORM.boundMillis(0)).isEqualTo(1_000);
    assertThat(Backoff.STORM.boundMillis(1)).isEqualTo(2_000);
    assertThat(Backoff.STORM.boundMillis(40)).isEqualTo(2_000);
    assertThat(new Backoff(100, 1_000).boundMillis(3)).isEqualTo(800);
  }

  @Test
  void delaysAreJitteredWithinTheBound() {
    SplittableRandom r = new SplittableRandom(1);
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < 10_000; i++) {
      long d = Backoff.STORM.delayMillis(0, r);
      min = Math.min(min, d);
      max = Math.max(max, d);
    }
    assertThat(min).isBetween(0L, 10L);
    assertThat(max).isBetween(990L, 1_000L);
  }

  @Test
  void refusesNonsense() {
    assertThatThrownBy(() -> new Backoff(0, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(10, 5)).isInstanceOf(IllegalArgumentException.class);
  }
}
