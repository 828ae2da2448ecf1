package io.openegiz.flux.fleet.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A PUBLISH frame encoded once per publisher; each send copies it into a pooled buffer and patches
 * only the packet id, sequence number and timestamp, so the hot path does no encoding at all.
 */
final class PublishTemplate {
  private final byte[] frame;
  private final int packetIdOffset;
  private final int payloadOffset;

  PublishTemplate(MqttVersion version, String topic, int qos, int publisherIndex, int payloadBytes) {
    this(version, topic, qos, publisherIndex, payloadBytes, new byte[] {'x'});
  }

  /** As above, with the payload after its header filled by repeating {@code filler}. */
  PublishTemplate(MqttVersion version, String topic, int qos, int publisherIndex, int payloadBytes, byte[] filler) {
    byte[] topicBytes = topic.getBytes(StandardCharsets.UTF_8);
    int variableHeader = 2 + topicBytes.length + (qos > 0 ? 2 : 0) + (version.hasProperties() ? 1 : 0);
    int remaining = variableHeader + payloadBytes;
    ByteBuf b = Unpooled.buffer(1 + Frames.varIntSize(remaining) + remaining);
    b.writeByte(0x30 | qos << 1);
    Frames.writeVarInt(b, remaining);
    Frames.writeString(b, topicBytes);
    packetIdOffset = qos > 0 ? b.writerIndex() : -1;
    if (qos > 0) {
      b.writeShort(0);
    }
    if (version.hasProperties()) {
      b.writeByte(0);
    }
    payloadOffset = b.writerIndex();
    byte[] payload = new byte[payloadBytes];
    for (int i = PayloadLayout.HEADER_BYTES; i < payloadBytes; i++) {
      payload[i] = filler[(i - PayloadLayout.HEADER_BYTES) % filler.length];
    }
    b.writeBytes(payload);
    b.setInt(payloadOffset + PayloadLayout.PUBLISHER_OFFSET, publisherIndex);
    frame = Arrays.copyOf(b.array(), b.writerIndex());
  }

  /** A new pooled frame carrying this packet id (ignored at QoS 0), sequence and timestamp. */
  ByteBuf encode(ByteBufAllocator alloc, int packetId, long sequence, long sendNanos) {
    ByteBuf out = alloc.directBuffer(frame.length).writeBytes(frame);
    if (packetIdOffset >= 0) {
      out.setShort(packetIdOffset, packetId);
    }
    out.setLong(payloadOffset + PayloadLayout.SEQUENCE_OFFSET, sequence);
    out.setLong(payloadOffset + PayloadLayout.TIMESTAMP_OFFSET, sendNanos);
    return out;
  }

  int frameBytes() {
    return frame.length;
  }
}
