package io.openegiz.flux.broker.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The frame decoder alone: the first packet (the CONNECT) is bounded by its own limit and refused from
 * its fixed header, later packets by the packet limit; a half-received packet's buffer goes back to the
 * pool when the connection closes.
 */
class MqttFrameDecoderTest {
  private static final int MAX_PACKET = 10_000;
  private static final int MAX_CONNECT = 100;

  private final List<Object> events = new ArrayList<>();

  private EmbeddedChannel channel() {
    return new EmbeddedChannel(new MqttFrameDecoder(MAX_PACKET, MAX_CONNECT), new ChannelInboundHandlerAdapter() {
      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        events.add(evt);
      }
    });
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
    ByteBuf first = ch.readInbound();
    assertThat(first.readableBytes()).isEqualTo(4);
    first.release();
    ByteBuf publish = PooledByteBufAllocator.DEFAULT.directBuffer();
    publish.writeByte(0x30).writeByte(0xC8).writeByte(0x01).writeZero(200); // PUBLISH of 203 bytes > 100
    ch.writeInbound(publish);
    ByteBuf second = ch.readInbound();
    assertThat(second.readableBytes()).isEqualTo(203);
    second.release();
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
}
