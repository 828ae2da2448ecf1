package io.openegiz.flux.fleet.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.io.IOException;

/**
 * A subscriber: subscribes to the scenario's filter, acknowledges every QoS 1/2 delivery at once and
 * records sequence and end-to-end latency from the payload header. Latency is recorded only for
 * messages that arrive, the first time they arrive.
 */
final class SubscriberHandler extends BenchConnection {
  private final String filter;
  private final int qos;
  private final SequenceTracker tracker;
  private boolean pendingFlush;
  private boolean delivered;

  SubscriberHandler(MqttVersion version, String clientId, BenchStats stats, String filter, int qos, int publishers) {
    super(version, clientId, stats);
    this.filter = filter;
    this.qos = qos;
    this.tracker = new SequenceTracker(publishers);
  }

  /**
   * A persistent session (3.1.1 clean session false), like the archiver's: with {@code persistence true}
   * every QoS 1/2 message to it is written to disk before the publisher's PUBACK, which is what the
   * durable comparison must measure. Client ids are unique per run, so nothing is left over.
   */
  @Override
  protected boolean cleanSession() {
    return false;
  }

  /** Read it only after the connection's event loop has stopped. */
  SequenceTracker tracker() {
    return tracker;
  }

  @Override
  protected void onConnected(ChannelHandlerContext ctx) {
    ctx.writeAndFlush(Frames.subscribe(ctx.alloc(), version, 1, filter, qos));
  }

  @Override
  protected void onMqttPacket(ChannelHandlerContext ctx, int type, int flags, ByteBuf body) {
    switch (type) {
      case Frames.PUBLISH -> onPublish(ctx, flags, body);
      case Frames.PUBREL -> {
        ctx.write(Frames.ack(ctx.alloc(), Frames.PUBCOMP, body.getUnsignedShort(0)));
        pendingFlush = true;
      }
      case Frames.SUBACK -> onSuback(body);
      default -> {
      } // nothing else matters to a benchmark subscriber
    }
  }

  private void onSuback(ByteBuf body) {
    int index = 2;
    if (version.hasProperties()) {
      index += propertiesSectionLength(body, index);
    }
    int code = body.getUnsignedByte(index);
    if (code >= 0x80) {
      fail(new IOException(clientId + ": SUBSCRIBE " + filter + " refused, code 0x" + Integer.toHexString(code)));
    } else {
      markReady();
    }
  }

  private void onPublish(ChannelHandlerContext ctx, int flags, ByteBuf body) {
    long now = System.nanoTime();
    int deliveredQos = (flags >> 1) & 0x03;
    int index = 2 + body.getUnsignedShort(0);
    int packetId = 0;
    if (deliveredQos > 0) {
      packetId = body.getUnsignedShort(index);
      index += 2;
    }
    if (version.hasProperties()) {
      index += propertiesSectionLength(body, index);
    }
    if (body.writerIndex() - index >= PayloadLayout.HEADER_BYTES) {
      int publisher = body.getInt(index + PayloadLayout.PUBLISHER_OFFSET);
      long sequence = body.getLong(index + PayloadLayout.SEQUENCE_OFFSET);
      long sentAt = body.getLong(index + PayloadLayout.TIMESTAMP_OFFSET);
      if (tracker.record(publisher, sequence)) {
        stats.delivered.increment();
        stats.deliveredByPublisher.incrementAndGet(publisher);
        delivered = true;
        stats.recordLatency(now - sentAt);
      } else {
        stats.duplicates.increment();
      }
    }
    if (deliveredQos > 0) {
      int ackType = deliveredQos == 1 ? Frames.PUBACK : Frames.PUBREC;
      ctx.write(Frames.ack(ctx.alloc(), ackType, packetId));
      pendingFlush = true;
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    if (pendingFlush) {
      pendingFlush = false;
      ctx.flush(); // one flush per read batch, not per acknowledgement
    }
    if (delivered) {
      delivered = false;
      stats.delivered();
    }
    super.channelReadComplete(ctx);
  }

  /** The bytes of an MQTT 5 properties section, its length prefix included. */
  static int propertiesSectionLength(ByteBuf body, int index) {
    int length = 0;
    int shift = 0;
    int i = index;
    int b;
    do {
      b = body.getUnsignedByte(i++);
      length |= (b & 0x7F) << shift;
      shift += 7;
    } while ((b & 0x80) != 0 && shift < 28);
    return (i - index) + length;
  }
}
