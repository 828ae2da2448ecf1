package io.openegiz.flux.fleet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import org.junit.jupiter.api.Test;

class PublishTemplateTest {

  @Test
  void patchedFrameDecodesAsTheIntendedPublish() {
    for (MqttVersion version : MqttVersion.values()) {
      PublishTemplate t = new PublishTemplate(version, "flux-bench/r/p3", 1, 3, 256);
      ByteBuf frame = t.encode(ByteBufAllocator.DEFAULT, 4711, 42, 123_456_789L);
      EmbeddedChannel ch = new EmbeddedChannel(new MqttDecoder());
      if (version == MqttVersion.V5) {
        // Netty's decoder learns the version from CONNECT; feed one so it parses MQTT 5 properties.
        ch.writeInbound(Frames.connect(ByteBufAllocator.DEFAULT, version, "c", 60));
        io.netty.util.ReferenceCountUtil.release(ch.readInbound());
      }
      ch.writeInbound(frame);
      MqttPublishMessage p = ch.readInbound();
      try {
        assertThat(p.decoderResult().isSuccess()).as(version.label()).isTrue();
        assertThat(p.variableHeader().topicName()).isEqualTo("flux-bench/r/p3");
        assertThat(p.variableHeader().packetId()).isEqualTo(4711);
        ByteBuf payload = p.payload();
        assertThat(payload.readableBytes()).isEqualTo(256);
        assertThat(payload.getInt(payload.readerIndex() + PayloadLayout.PUBLISHER_OFFSET)).isEqualTo(3);
        assertThat(payload.getLong(payload.readerIndex() + PayloadLayout.SEQUENCE_OFFSET)).isEqualTo(42);
        assertThat(payload.getLong(payload.readerIndex() + PayloadLayout.TIMESTAMP_OFFSET)).isEqualTo(123_456_789L);
      } finally {
        p.release();
        ch.finishAndReleaseAll();
      }
    }
  }

  @Test
  void propertiesSectionLengthCountsItsOwnPrefix() {
    assertThat(SubscriberHandler.propertiesSectionLength(Unpooled.wrappedBuffer(new byte[] {0}), 0)).isEqualTo(1);
    byte[] longProps = new byte[2 + 200];
    longProps[0] = (byte) 0xC8; // 200 = 0x48 | continuation, then 1
    longProps[1] = 0x01;
    assertThat(SubscriberHandler.propertiesSectionLength(Unpooled.wrappedBuffer(longProps), 0)).isEqualTo(202);
  }
}
