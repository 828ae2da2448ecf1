package io.openegiz.flux.broker.protocol;

import io.netty.channel.ChannelHandlerContext;
import io.openegiz.flux.broker.session.Session;

/**
 * The packet handlers of one connection once its CONNECT was accepted, each built with what it needs
 * (the {@link Negotiated} record, the session, the channel, the broker's services) and owning its own
 * state. {@link MqttConnectionHandler} holds none of them before CONNACK: it can only hold packets.
 *
 * @param rateGate the publish-rate gate (SEC-5), or null when the client has no rate limit
 */
record Processors(Negotiated negotiated, Session session, PublishProcessor publishes, SubscribeProcessor subscribes,
    PublishWriter writer, PublishRateGate rateGate, QuotaGate quotas) {

  static Processors create(MqttConnectionHandler c, ChannelHandlerContext ctx, BrokerContext broker, Negotiated n,
      Session session, QuotaGate quotas) {
    PublishRateGate gate = n.limits().maxPublishRate() > 0
        ? new PublishRateGate(c, ctx, broker, n.limits(), n.identity().quotaOwner()) // one bucket per identity
        : null;
    return new Processors(n, session, new PublishProcessor(c, ctx, broker, n, session, quotas),
        new SubscribeProcessor(c, ctx, broker, n, session, quotas), new PublishWriter(ctx, broker, n), gate, quotas);
  }
}
