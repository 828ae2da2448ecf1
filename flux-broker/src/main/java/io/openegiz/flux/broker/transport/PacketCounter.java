package io.openegiz.flux.broker.transport;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.openegiz.flux.broker.metrics.BrokerMetrics;

/**
 * Counts MQTT packets by type, as decoded and as handed to the encoder ({@code flux_packets_*}); stateless,
 * so one instance serves every channel. Packets the decoder could not make sense of are not counted.
 */
@ChannelHandler.Sharable
final class PacketCounter extends ChannelDuplexHandler {
  private final BrokerMetrics metrics;

  PacketCounter(BrokerMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof MqttMessage m && m.fixedHeader() != null && m.decoderResult().isSuccess()) {
      metrics.packetReceived(m.fixedHeader().messageType().value());
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof MqttMessage m && m.fixedHeader() != null) {
      metrics.packetSent(m.fixedHeader().messageType().value());
    }
    ctx.write(msg, promise);
  }
}
