package io.openegiz.flux.fleet.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class OfflineBufferTest {

  @Test
  void keepsTheNewestThousandAndCountsTheDropped() {
    OfflineBuffer<Integer> buffer = new OfflineBuffer<>(OfflineBuffer.FIRMWARE_CAPACITY);
    IntStream.range(0, 1_250).forEach(buffer::add);
    assertThat(buffer.size()).isEqualTo(1_000);
    assertThat(buffer.dropped()).isEqualTo(250);
    var drained = buffer.drain();
    assertThat(drained).hasSize(1_000).startsWith(250, 251).endsWith(1_249);
    assertThat(buffer.size()).isZero();
    assertThat(buffer.dropped()).as("the count survives a drain").isEqualTo(250);
  }

  @Test
  void belowCapacityNothingIsDroppedAndOrderIsKept() {
    OfflineBuffer<String> buffer = new OfflineBuffer<>(3);
    buffer.add("a");
    buffer.add("b");
    assertThat(buffer.drain()).containsExactly("a", "b");
    assertThat(buffer.dropped()).isZero();
  }

  @Test
  void refusesAZeroCapacity() {
    assertThatThrownBy(() -> new OfflineBuffer<>(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
