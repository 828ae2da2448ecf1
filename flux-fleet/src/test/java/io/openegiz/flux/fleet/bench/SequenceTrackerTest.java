package io.openegiz.flux.fleet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SequenceTrackerTest {

  @Test
  void inOrderDeliveryLosesNothing() {
    SequenceTracker t = new SequenceTracker(2);
    for (int s = 0; s < 5; s++) {
      assertThat(t.record(0, s)).isTrue();
      assertThat(t.record(1, s)).isTrue();
    }
    assertThat(t.lost(new long[] {5, 5})).isZero();
    assertThat(t.gaps(new long[] {5, 5})).isZero();
    assertThat(t.distinct()).isEqualTo(10);
  }

  @Test
  void holesAndTheUndeliveredTailCountAsLoss() {
    SequenceTracker t = new SequenceTracker(1);
    for (long s : new long[] {0, 1, 4, 5, 7}) {
      t.record(0, s);
    }
    // sent 0..9: missing 2,3 (one hole), 6 (another), 8,9 (the tail)
    assertThat(t.lost(new long[] {10})).isEqualTo(5);
    assertThat(t.gaps(new long[] {10})).isEqualTo(3);
  }

  @Test
  void reorderingIsNotLossAndRepeatsAreDuplicates() {
    SequenceTracker t = new SequenceTracker(1);
    t.record(0, 2);
    t.record(0, 0);
    t.record(0, 1);
    assertThat(t.record(0, 1)).isFalse();
    assertThat(t.record(0, 2)).isFalse();
    assertThat(t.lost(new long[] {3})).isZero();
    assertThat(t.duplicates()).isEqualTo(2);
  }

  @Test
  void unknownPublishersAreSetAside() {
    SequenceTracker t = new SequenceTracker(1);
    assertThat(t.record(3, 0)).isFalse();
    assertThat(t.record(0, -1)).isFalse();
    assertThat(t.foreign()).isEqualTo(2);
    assertThat(t.lost(new long[] {0})).isZero();
  }
}
