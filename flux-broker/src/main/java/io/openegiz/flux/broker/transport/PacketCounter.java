package io.openegiz.flux.broker.transport;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts MQTT packets of every type both ways, CONNECT packets and accepted sockets: what Mosquitto's
 * {@code $SYS/broker/messages/*}, {@code load/connections} and {@code load/sockets} report. One
 * instance serves every listener's channels.
 */
@ChannelHandler.Sharable
public final class PacketCounter extends ChannelDuplexHandler {
  private final LongAdder received = new LongAdder();
  private final LongAdder sent = new LongAdder();
  private final LongAdder connects = new LongAdder();
  private final LongAdder sockets = new LongAdder();

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    sockets.increment();
    super.channelActive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof MqttMessage m && m.decoderResult().isSuccess()) {
      received.increment();
      if (m.fixedHeader() != null && m.fixedHeader().messageType() == MqttMessageType.CONNECT) {
        connects.increment();
      }
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof MqttMessage) {
      sent.increment();
    }
    ctx.write(msg, promise);
  }

  /** MQTT packets read from clients, every type. */
  public long received() {
    return received.sum();
  }

  /** MQTT packets written to clients, every type. */
  public long sent() {
    return sent.sum();
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
