package io.openegiz.flux.broker.transport;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.openegiz.flux.broker.metrics.CountingMetrics;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts MQTT packets as decoded and as handed to the encoder, by type for Prometheus ({@code flux_packets_*}) and
 * in all for {@code $SYS} ({@code messages/*}), with CONNECT packets and accepted sockets (Mosquitto's
 * {@code load/connections} and {@code load/sockets}). Packets the decoder could not make sense of are not counted.
 * One instance serves every listener's channels.
 */
@ChannelHandler.Sharable
public final class PacketCounter extends ChannelDuplexHandler {
  private final CountingMetrics metrics;
  private final LongAdder connects = new LongAdder();
  private final LongAdder sockets = new LongAdder();

  public PacketCounter(CountingMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    sockets.increment();
    super.channelActive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof MqttMessage m && m.fixedHeader() != null && m.decoderResult().isSuccess()) {
      MqttMessageType type = m.fixedHeader().messageType();
      metrics.packetReceived(type.value());
      if (type == MqttMessageType.CONNECT) {
        connects.increment();
      }
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

  /** MQTT packets read from clients, every type. */
  public long received() {
    return metrics.packetsReceived();
  }

  /** MQTT packets written to clients, every type. */
  public long sent() {
    return metrics.packetsSent();
  }

  /** CONNECT packets read, accepted or not. */
  public long connects() {
    return connects.sum();
  }

  /** Sockets accepted by the listeners. */
  public long sockets() {
    return sockets.sum();
  }
}
