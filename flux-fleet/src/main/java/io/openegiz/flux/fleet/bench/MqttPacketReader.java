package io.openegiz.flux.fleet.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import java.util.List;

/**
 * Splits the inbound byte stream into MQTT packets and hands each one to {@link #onPacket} in place,
 * without allocating a message object per packet.
 */
abstract class MqttPacketReader extends ByteToMessageDecoder {

  @Override
  protected final void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (in.isReadable(2)) {
      int start = in.readerIndex();
      int header = in.getUnsignedByte(start);
      int length = 0;
      int shift = 0;
      int i = start + 1;
      int b;
      do {
        if (i >= in.writerIndex()) {
          return; // length not complete yet
        }
        b = in.getUnsignedByte(i++);
        length |= (b & 0x7F) << shift;
        shift += 7;
        if (shift > 21 && (b & 0x80) != 0) {
          throw new DecoderException("malformed remaining length");
        }
      } while ((b & 0x80) != 0);
      if (in.writerIndex() - i < length) {
        return;
      }
      ByteBuf body = in.slice(i, length);
      in.readerIndex(i + length);
      onPacket(ctx, header >>> 4, header & 0x0F, body);
    }
  }

  /** One whole packet; {@code body} is a slice valid only during this call. */
  protected abstract void onPacket(ChannelHandlerContext ctx, int type, int flags, ByteBuf body);
}
