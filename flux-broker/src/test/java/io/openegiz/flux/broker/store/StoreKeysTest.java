package io.openegiz.flux.broker.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The key layout is on disk: these bytes must never change within a store format. */
class StoreKeysTest {

  @Test
  void keysHaveTheDocumentedLayout() {
    assertThat(StoreKeys.queue("ab", 0x0102030405060708L))
        .containsExactly('Q', 0, 2, 'a', 'b', 1, 2, 3, 4, 5, 6, 7, 8);
    assertThat(StoreKeys.inflight("ä", -1L))
        .containsExactly('F', 0, 2, 0xC3, 0xA4, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF);
    assertThat(StoreKeys.inbound("c", 65_535)).containsExactly('I', 0, 1, 'c', 0xFF, 0xFF);
    assertThat(StoreKeys.message(258)).containsExactly('M', 0, 0, 0, 0, 0, 0, 1, 2);
    assertThat(StoreKeys.clientPrefix(StoreKeys.QUEUE, "x".repeat(300)))
        .startsWith('Q', 1, 44, 'x').hasSize(303);
  }

  @Test
  void keysReadBack() {
    byte[] q = StoreKeys.queue("sensor/1", 123_456_789_012L);
    assertThat(StoreKeys.clientOf(q)).isEqualTo("sensor/1");
    assertThat(StoreKeys.idOf(q)).isEqualTo(123_456_789_012L);
    assertThat(StoreKeys.packetIdOf(StoreKeys.inbound("c", 4_097))).isEqualTo(4_097);
    assertThat(q).startsWith(StoreKeys.clientPrefix(StoreKeys.QUEUE, "sensor/1"));
  }
}
