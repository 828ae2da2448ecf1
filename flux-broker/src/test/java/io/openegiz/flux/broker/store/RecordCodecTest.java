package io.openegiz.flux.broker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openegiz.flux.broker.message.Message;
import io.openegiz.flux.broker.message.Subscription;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordCodecTest {

  static Message fullMessage() {
    Message.Properties props = new Message.Properties(1, "application/json", "reply/ü/topic",
        new byte[] {0, 1, 2, (byte) 0xFF}, List.of(new Message.UserProperty("k", "v1"),
            new Message.UserProperty("k", "v2"), new Message.UserProperty("名前", "")));
    return new Message("openegiz/f1/oven/o-1/thermal/telemetry", "{\"t\":21.5}".getBytes(StandardCharsets.UTF_8),
        2, true, "pub-1", 1_800_000_000_000L, props);
  }

  static Message plainMessage(String topic, String payload) {
    return new Message(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false, "pub", 0, Message.Properties.NONE);
  }

  static void assertSameMessage(Message actual, Message expected) {
    assertThat(actual).usingRecursiveComparison().isEqualTo(expected);
  }

  @Test
  void messageWithEveryMqtt5PropertyRoundTrips() {
    Message m = fullMessage();
    assertSameMessage(RecordCodec.decodeMessage(RecordCodec.encodeMessage(m)), m);
  }

  @Test
  void messageWithoutPropertiesDecodesToTheSharedNone() {
    Message m = new Message("a/b", new byte[0], 0, false, null, 0, Message.Properties.NONE);
    Message back = RecordCodec.decodeMessage(RecordCodec.encodeMessage(m));
    assertSameMessage(back, m);
    assertThat(back.properties()).isSameAs(Message.Properties.NONE);
  }

  @Test
  void partialPropertiesRoundTrip() {
    Message.Properties props = new Message.Properties(null, null, "resp", null, List.of());
    Message m = new Message("t", new byte[] {7}, 1, false, "c", 5, props);
    assertSameMessage(RecordCodec.decodeMessage(RecordCodec.encodeMessage(m)), m);
  }

  @Test
  void sessionWithSubscriptionOptionsRoundTrips() {
    SessionRecord s = new SessionRecord("client-ä", 5, 86_400, 1_700_000_000_123L, List.of(
        Subscription.of("client-ä", "a/+/c", 1),
        new Subscription("client-ä", "openegiz/#", "archivers", 2, true, true, 2, 268_435_455)));
    assertThat(RecordCodec.decodeSession(RecordCodec.encodeSession(s))).isEqualTo(s);
    SessionRecord named = new SessionRecord("dev-1", 4, 60, 0, List.of(), "esp32-oven001-elec");
    assertThat(RecordCodec.decodeSession(RecordCodec.encodeSession(named))).isEqualTo(named);
  }

  @Test
  void queueEntryInflightAndWillRoundTrip() {
    var entry = new RecordCodec.QueueEntry(2, true, List.of(1, 70_000));
    assertThat(RecordCodec.decodeQueueEntry(RecordCodec.encodeQueueEntry(entry))).isEqualTo(entry);
    var inline = new RecordCodec.QueueEntry(1, false, List.of(), fullMessage());
    var inlineBack = RecordCodec.decodeQueueEntry(RecordCodec.encodeQueueEntry(inline));
    assertThat(inlineBack.qos()).isEqualTo(1);
    assertThat(inlineBack.retain()).isFalse();
    assertSameMessage(inlineBack.message(), fullMessage());
    var flight = new RecordCodec.InflightState(65_535, true);
    assertThat(RecordCodec.decodeInflight(RecordCodec.encodeInflight(flight))).isEqualTo(flight);
    WillRecord w = new WillRecord("c1", fullMessage(), 42);
    WillRecord back = RecordCodec.decodeWill(RecordCodec.encodeWill(w));
    assertThat(back.clientId()).isEqualTo("c1");
    assertThat(back.dueAtMillis()).isEqualTo(42);
    assertSameMessage(back.message(), w.message());
  }

  @Test
  void unknownRecordVersionAndTruncationAreCorruption() {
    byte[] bytes = RecordCodec.encodeMessage(fullMessage());
    bytes[0] = 9;
    assertThatThrownBy(() -> RecordCodec.decodeMessage(bytes))
        .isInstanceOf(StoreFormatException.class).hasMessageContaining("unknown version 9");
    byte[] cut = java.util.Arrays.copyOf(RecordCodec.encodeMessage(fullMessage()), 20);
    assertThatThrownBy(() -> RecordCodec.decodeMessage(cut)).isInstanceOf(StoreFormatException.class);
  }

  @Test
  void keysOfOneClientNeverPrefixAnother() {
    byte[] a = StoreKeys.queue("ab", 1);
    byte[] prefix = StoreKeys.clientPrefix(StoreKeys.QUEUE, "a");
    assertThat(java.util.Arrays.equals(a, 0, prefix.length, prefix, 0, prefix.length)).isFalse();
    assertThat(StoreKeys.clientOf(a)).isEqualTo("ab");
    assertThat(StoreKeys.idOf(a)).isEqualTo(1);
    assertThat(StoreKeys.packetIdOf(StoreKeys.inbound("x", 65_535))).isEqualTo(65_535);
  }
}
