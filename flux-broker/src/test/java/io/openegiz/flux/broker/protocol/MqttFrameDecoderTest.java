package io.openegiz.flux.broker.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The frame decoder before a codec: the first packet (the CONNECT) is bounded by its own limit and refused
 * from its fixed header, later packets by the packet limit; a half-received packet's buffer goes back to
 * the pool when the connection closes; a packet Netty's codec cannot decode within its length is refused
 * before the codec reads on into the next packet.
 */
class MqttFrameDecoderTest {
  private static final int MAX_PACKET = 10_000;
  private static final int MAX_CONNECT = 100;

  private final List<Object> events = new ArrayList<>();

  /** Records the user events the frame decoder fires. */
  private final ChannelInboundHandlerAdapter eventLog = new ChannelInboundHandlerAdapter() {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      events.add(evt);
    }
  };

  /** The frame decoder before a stand-in codec that reads each frame whole and passes on its size. */
  private EmbeddedChannel channel() {
    return new EmbeddedChannel(new MqttFrameDecoder(MAX_PACKET, MAX_CONNECT), new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        int size = frame.readableBytes();
        frame.skipBytes(size).release();
        ctx.fireChannelRead(size);
      }
    }, eventLog);
  }

  private static ByteBuf pooled(int... bytes) {
    ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length);
    for (int v : bytes) {
      b.writeByte(v);
    }
    return b;
  }

  @Test
  void aConnectAboveItsLimitIsRefusedFromTheFixedHeaderAlone() {
    EmbeddedChannel ch = channel();
    ByteBuf header = pooled(0x10, 0x65); // CONNECT, remaining length 101: 103 bytes > 100
    ch.writeInbound(header);
    assertThat(events).containsExactly(new MqttFrameDecoder.PacketTooLarge(103, MAX_CONNECT));
    assertThat(header.refCnt()).as("nothing kept").isZero();
    assertThat((Object) ch.readInbound()).isNull();
    ch.finishAndReleaseAll();
  }

  @Test
  void laterPacketsAreBoundedByThePacketLimitOnly() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(pooled(0x10, 0x02, 0x00, 0x00)); // a (tiny) first packet within the CONNECT limit
    assertThat((Integer) ch.readInbound()).isEqualTo(4);
    ByteBuf publish = PooledByteBufAllocator.DEFAULT.directBuffer();
    publish.writeByte(0x30).writeByte(0xC8).writeByte(0x01).writeZero(200); // PUBLISH of 203 bytes > 100
    ch.writeInbound(publish);
    assertThat((Integer) ch.readInbound()).isEqualTo(203);
    assertThat(events).isEmpty();
    ch.finishAndReleaseAll();
  }

  @Test
  void aHalfReceivedConnectIsReleasedWhenTheConnectionCloses() {
    EmbeddedChannel ch = channel();
    ByteBuf partial = pooled(0x10, 0x50, 0x00, 0x04, 'M', 'Q', 'T', 'T'); // 82 bytes announced, 8 sent
    ch.writeInbound(partial);
    assertThat((Object) ch.readInbound()).isNull();
    assertThat(partial.refCnt()).as("buffered while the CONNECT is incomplete").isEqualTo(1);
    ch.close();
    assertThat(partial.refCnt()).as("back to the pool on close").isZero();
    ch.finishAndReleaseAll();
  }

  /** MQTT 3.1.1 CONNECT, clean session, keep alive 60, client id "a". */
  private static final int[] CONNECT = {0x10, 0x0D, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3C,
      0x00, 0x01, 'a'};

  /** The frame decoder before Netty's MQTT codec, as in the broker's pipeline. */
  private EmbeddedChannel withCodec() {
    return new EmbeddedChannel(new MqttFrameDecoder(MAX_PACKET, MAX_CONNECT), new MqttDecoder(), eventLog);
  }

  @Test
  void aStringLengthPastThePacketEndIsRefusedBeforeTheNextPacketIsRead() {
    EmbeddedChannel ch = withCodec();
    ch.writeInbound(pooled(CONNECT));
    MqttMessage connect = ch.readInbound();
    assertThat(connect.decoderResult().isSuccess()).isTrue();
    ch.writeInbound(pooled(
        0x30, 0x04, // PUBLISH QoS 0, remaining length 4
        0x00, 0x10, 't', 'x', // topic length 16, but 2 bytes are left in the packet
        0xC0, 0x00)); // PINGREQ: the codec must not read it as the rest of the topic
    assertThat(events).containsExactly(new MqttFrameDecoder.Overrun(3, 6));
    assertThat((Object) ch.readInbound()).as("neither the PUBLISH nor the PINGREQ").isNull();
    ch.finishAndReleaseAll();
  }

  @Test
  void wholePacketsPassThroughTheCodecUnchanged() {
    EmbeddedChannel ch = withCodec();
    ByteBuf packets = pooled(CONNECT);
    packets.writeBytes(new byte[] {
        0x30, 0x04, 0x00, 0x01, 't', 'x', // PUBLISH QoS 0, topic "t", payload "x"
        (byte) 0xC0, 0x00}); // PINGREQ
    ch.writeInbound(packets);
    List<MqttMessageType> types = new ArrayList<>();
    for (MqttMessage m; (m = ch.readInbound()) != null;) {
      assertThat(m.decoderResult().isSuccess()).isTrue();
      types.add(m.fixedHeader().messageType());
      ReferenceCountUtil.release(m);
    }
    assertThat(types).containsExactly(MqttMessageType.CONNECT, MqttMessageType.PUBLISH, MqttMessageType.PINGREQ);
    assertThat(events).isEmpty();
    ch.finishAndReleaseAll();
  }

  @Test
  void afterDiscardNothingIsPassedOnOrKept() {
    MqttFrameDecoder frames = new MqttFrameDecoder(MAX_PACKET, MAX_CONNECT);
    EmbeddedChannel ch = new EmbeddedChannel(frames, eventLog);
    frames.discard();
    ByteBuf later = pooled(0x30, 0x50, 0x00, 0x01, 't'); // the start of an 82-byte PUBLISH
    ch.writeInbound(later);
    assertThat((Object) ch.readInbound()).isNull();
    assertThat(later.refCnt()).as("not buffered").isZero();
    assertThat(events).isEmpty();
    ch.finishAndReleaseAll();
  }
}
