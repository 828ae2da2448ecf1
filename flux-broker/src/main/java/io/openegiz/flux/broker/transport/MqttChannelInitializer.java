package io.openegiz.flux.broker.transport;

import io.openegiz.flux.broker.metrics.BrokerMetrics;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.openegiz.flux.broker.protocol.BrokerContext;
import io.openegiz.flux.broker.protocol.MqttConnectionHandler;
import io.openegiz.flux.broker.protocol.MqttFrameDecoder;
import io.openegiz.flux.broker.security.AuditLog;
import io.openegiz.flux.broker.security.ConnectRateGuard;
import java.util.Map;
import io.openegiz.flux.broker.protocol.HandlerNames;

/** The one place the MQTT pipeline is assembled; see {@link HandlerNames} for the order and why. */
public final class MqttChannelInitializer extends ChannelInitializer<SocketChannel> {
  /** Client ids longer than this are refused; MQTT allows 65535 bytes, nobody needs that many. */
  private static final int MAX_CLIENT_ID_LENGTH = 65535;

  private final BrokerContext broker;
  private final String listener;
  private final ByteCounter byteCounter;
  private final CountingEncoder encoder;
  private final ChannelGroup connections;
  private final TlsMaterial tls;
  private final int listenerPort;
  private final ConnectRateGuard connectGuard;

  /** @param tls the listener's TLS material, or null for plain MQTT */
  public MqttChannelInitializer(BrokerContext broker, String listener, int listenerPort, TlsMaterial tls,
      ChannelGroup connections) {
    this.encoder = new CountingEncoder(broker.metrics());
    this.broker = broker;
    this.listener = listener;
    this.listenerPort = listenerPort;
    this.connectGuard = new ConnectRateGuard(broker.config().security().maxConnectsPerAddress(),
        remote -> {
          broker.metrics().rateLimited(BrokerMetrics.RateLimit.CONNECTS_PER_ADDRESS);
          broker.metrics().connectionRefused(BrokerMetrics.Refusal.THROTTLED);
          broker.security().audit().record(AuditLog.Event.CONNECTION_THROTTLED, listener, remote, null,
              null, "refused", Map.of("limit_per_second", broker.config().security().maxConnectsPerAddress()));
        });
    this.tls = tls;
    this.connections = connections;
    this.byteCounter = new ByteCounter(broker.metrics());
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    connections.add(ch); // removed by the group itself when the channel closes
    broker.metrics().socketAccepted();
    int maxPacket = broker.config().maxPacketSize();
    ChannelPipeline p = ch.pipeline();
    p.addLast(HandlerNames.CONNECT_GUARD, connectGuard);
    p.addLast(HandlerNames.BYTE_COUNTER, byteCounter);
    if (tls != null) {
      // Taken per connection, so a reloaded certificate serves the next connection.
      p.addLast(HandlerNames.TLS, tls.current().newHandler(ch.alloc()));
    }
    p.addLast(HandlerNames.FLUSH_CONSOLIDATION, new FlushConsolidationHandler(256, true));
    p.addLast(HandlerNames.FRAME_DECODER, new MqttFrameDecoder(maxPacket,
        broker.config().connectionLimits().maxConnectSize(), broker.metrics()));
    p.addLast(HandlerNames.MQTT_DECODER, new MqttDecoder(maxPacket, MAX_CLIENT_ID_LENGTH));
    p.addLast(HandlerNames.MQTT_ENCODER, encoder);
    p.addLast(HandlerNames.CONNECTION, new MqttConnectionHandler(broker, listenerName(ch), listenerPort,
        tls == null ? null : tls.config()));
  }

  /**
   * The listener as logs and the audit log name it: the configured address and port, with the port
   * actually bound when the configuration said 0 (any free port), so that ":0" never appears.
   */
  private String listenerName(SocketChannel ch) {
    if (listenerPort != 0 || ch.localAddress() == null) {
      return listener;
    }
    int colon = listener.lastIndexOf(':');
    return (colon < 0 ? listener : listener.substring(0, colon)) + ":" + ch.localAddress().getPort();
  }
}
