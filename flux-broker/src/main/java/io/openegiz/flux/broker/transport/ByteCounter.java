package io.openegiz.flux.broker.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.openegiz.flux.broker.metrics.BrokerMetrics;

/** Counts network bytes in and out for the metrics; stateless, so one instance serves every channel. */
@ChannelHandler.Sharable
final class ByteCounter extends ChannelDuplexHandler {
  private final BrokerMetrics metrics;

  ByteCounter(BrokerMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf b) {
      metrics.bytesReceived(b.readableBytes());
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof ByteBuf b) {
      metrics.bytesSent(b.readableBytes());
    }
    ctx.write(msg, promise);
  }
}
