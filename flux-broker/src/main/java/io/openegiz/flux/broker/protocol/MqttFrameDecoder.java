package io.openegiz.flux.broker.protocol;

import io.openegiz.flux.broker.message.Topics;
import io.openegiz.flux.broker.metrics.BrokerMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Splits the byte stream into whole MQTT packets before the codec sees them, and refuses a packet
 * larger than the limit as soon as its fixed header arrives. Netty's MqttDecoder would otherwise
 * buffer a declared 256 MB packet in full before checking its size. The first packet, the CONNECT of a
 * client nobody has authenticated yet, has a limit of its own (max_connect_size), far below the packet
 * limit, so that half-sent CONNECTs cannot make the broker buffer much memory per connection.
 *
 * <p>It also holds the codec to packet boundaries. Netty's MqttDecoder is a replaying decoder: given a
 * whole packet in which a string, property or other length runs past the packet's end, it waits for more
 * bytes and reads on into the following packets (bytes left over after the fields it refuses itself).
 * Each frame is therefore passed on alone and checked once the codec has run: its cumulation being
 * empty, the codec reads the frame buffer itself (Netty's merge cumulator takes a contiguous input as
 * is), so a frame not read to its end is a packet the codec could not decode within its length. That
 * is a malformed packet, refused at once ({@link Overrun}) as Mosquitto does. On an MQTT 5 connection,
 * a property repeated where it may appear once is refused before the codec, which would keep only one
 * ({@link DuplicateProperty}, see {@link DuplicateProperties}).
 */
public final class MqttFrameDecoder extends ByteToMessageDecoder {

  /** Fired (as a user event) when a packet's declared size exceeds the limit; the stream is then discarded. */
  public record PacketTooLarge(int declaredSize, int limit) {}

  /** Fired when the remaining length is not a valid variable byte integer. */
  public record MalformedLength() {}

  /**
   * Fired when an MQTT 5 packet holds a property twice that may appear once: a Protocol Error that Netty's
   * codec would hide (it keeps the last value). The stream is then discarded.
   *
   * @param type the packet type (first 4 bits of the fixed header)
   * @param property the repeated property's identifier
   */
  public record DuplicateProperty(int type, int property) {}

  /**
   * Fired when the codec could not decode a packet within its length: a length inside it runs past the
   * packet's end. The stream is then discarded.
   *
   * @param type the packet type (first 4 bits of the fixed header)
   * @param size the packet's size in bytes, fixed header included
   */
  public record Overrun(int type, int size) {}

  /**
   * Fired when a PUBLISH names a topic that {@link Topics#validateTopicName} refuses (a wildcard in it):
   * the broker's own check, made before Netty's codec, which would refuse the packet with nothing but an
   * exception message. The stream is then discarded.
   *
   * @param reason what is wrong with it
   */
  public record InvalidTopicName(String topic, String reason) {}

  private static final int PUBLISH = 3;

  private final int maxPacketSize;
  private final BrokerMetrics metrics;
  private final int maxConnectSize;
  private boolean first = true;
  private boolean failed;
  private boolean passedFrames; // since the last channelReadComplete
  private boolean v5; // the CONNECT said MQTT 5: property blocks are scanned for duplicates

  /**
   * @param maxConnectSize the limit of the first packet; the smaller of the two applies to it
   */
  public MqttFrameDecoder(int maxPacketSize, int maxConnectSize) {
    this(maxPacketSize, maxConnectSize, BrokerMetrics.NOOP);
  }

  /**
   * @param metrics told of each packet passed on ({@link BrokerMetrics#packetReceived}): counted here, where the
   *     type is read anyway, rather than by a handler of its own on every packet's way
   */
  public MqttFrameDecoder(int maxPacketSize, int maxConnectSize, BrokerMetrics metrics) {
    this.metrics = metrics;
    this.maxPacketSize = maxPacketSize;
    this.maxConnectSize = Math.min(maxConnectSize, maxPacketSize);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (in.readableBytes() >= 2) {
      if (failed) {
        in.skipBytes(in.readableBytes());
        return;
      }
      int start = in.readerIndex();
      int remaining = 0;
      int multiplier = 1;
      int headerLength = 1;
      boolean complete = false;
      for (int i = 0; i < 4; i++) {
        if (in.readableBytes() < headerLength + 1) {
          return;
        }
        int digit = in.getUnsignedByte(start + headerLength);
        headerLength++;
        remaining += (digit & 0x7F) * multiplier;
        multiplier *= 128;
        if ((digit & 0x80) == 0) {
          complete = true;
          break;
        }
      }
      if (!complete) {
        fail(ctx, in, new MalformedLength());
        return;
      }
      long total = (long) headerLength + remaining;
      int limit = first ? maxConnectSize : maxPacketSize;
      if (total > limit) {
        fail(ctx, in, new PacketTooLarge((int) Math.min(Integer.MAX_VALUE, total), limit));
        return;
      }
      if (in.readableBytes() < total) {
        return;
      }
      if (first) {
        v5 = protocolLevel(in, start + headerLength, remaining) == 5;
      }
      first = false;
      int type = in.getUnsignedByte(start) >> 4;
      int duplicate = v5 ? DuplicateProperties.find(in.slice(start, (int) total)) : -1;
      if (duplicate >= 0) {
        fail(ctx, in, new DuplicateProperty(type, duplicate));
        return;
      }
      String badTopic = type == PUBLISH ? invalidTopic(in, start + headerLength, remaining) : null;
      if (badTopic != null) {
        fail(ctx, in, new InvalidTopicName(topic(in, start + headerLength), badTopic));
        return;
      }
      passedFrames = true;
      if (passOn(ctx, in.readRetainedSlice((int) total)) != total) {
        fail(ctx, in, new Overrun(type, (int) total));
        return;
      }
      metrics.packetReceived(type);
    }
  }

  /**
   * Frames go to the codec through {@link #passOn}, not through {@code out}, so ByteToMessageDecoder believes
   * this read decoded nothing and, with auto-read off, asks for another read: that would defeat backpressure
   * (a publisher paused because a subscriber's queue is full would go on being read). After a read that passed
   * frames on, this does what ByteToMessageDecoder does minus that read.
   */
  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    if (!passedFrames) {
      super.channelReadComplete(ctx);
      return;
    }
    passedFrames = false;
    discardSomeReadBytes();
    ctx.fireChannelReadComplete();
  }

  /**
   * Hands one packet to the codec now (not batched through {@code out}) and returns how many of its bytes
   * the codec read. The extra reference keeps the frame's indexes readable once the codec has released it.
   */
  private static int passOn(ChannelHandlerContext ctx, ByteBuf frame) {
    frame.retain();
    try {
      ctx.fireChannelRead(frame);
      return frame.readerIndex();
    } finally {
      frame.release();
    }
  }

  /**
   * Discards everything read from now on: the broker has sent its last packet and only reads so that
   * closing does not reset the connection ({@link LingeringClose}); nothing more is buffered or decoded.
   */
  void discard() {
    failed = true;
  }

  /**
   * Why the topic name of a PUBLISH whose body starts at {@code body} is invalid, or null: valid, empty
   * (a topic alias stands for it, checked after decoding), or cut short (the codec refuses that).
   */
  private static String invalidTopic(ByteBuf in, int body, int remaining) {
    if (remaining < 2) {
      return null;
    }
    int length = in.getUnsignedShort(body);
    if (length == 0 || length + 2 > remaining) {
      return null;
    }
    return Topics.validateTopicName(topic(in, body));
  }

  private static String topic(ByteBuf in, int body) {
    return in.toString(body + 2, in.getUnsignedShort(body), StandardCharsets.UTF_8);
  }

  /** The protocol level of a CONNECT whose body starts at {@code body}, or -1 when it is cut short. */
  private static int protocolLevel(ByteBuf in, int body, int remaining) {
    if (remaining < 3) {
      return -1;
    }
    int nameLength = in.getUnsignedShort(body);
    return nameLength + 2 < remaining ? in.getUnsignedByte(body + 2 + nameLength) : -1;
  }

  private void fail(ChannelHandlerContext ctx, ByteBuf in, Object event) {
    failed = true;
    in.skipBytes(in.readableBytes());
    ctx.fireUserEventTriggered(event);
  }
}
