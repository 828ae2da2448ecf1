package io.openegiz.flux.broker.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.openegiz.flux.broker.metrics.BrokerMetrics;

/**
 * Netty's MQTT encoder, counting each packet it is given by type ({@code flux_packets_sent_total}, $SYS
 * {@code messages/sent}). It takes the encoder's place rather than adding a handler, so counting costs no step on
 * every packet's way out. {@link MqttEncoder} keeps no state per channel, so its {@code write} runs here with this
 * handler's context. One instance serves every listener's channels.
 */
@ChannelHandler.Sharable
final class CountingEncoder extends ChannelOutboundHandlerAdapter {
  private final BrokerMetrics metrics;

  CountingEncoder(BrokerMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
    if (msg instanceof MqttMessage m && m.fixedHeader() != null) {
      metrics.packetSent(m.fixedHeader().messageType().value());
    }
    MqttEncoder.INSTANCE.write(ctx, msg, promise);
  }
}
