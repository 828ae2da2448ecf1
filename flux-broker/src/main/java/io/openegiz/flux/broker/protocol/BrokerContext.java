package io.openegiz.flux.broker.protocol;

import io.openegiz.flux.broker.config.BrokerConfig;
import io.openegiz.flux.broker.metrics.BrokerMetrics;
import io.openegiz.flux.broker.routing.Router;
import io.openegiz.flux.broker.routing.SubscriptionTree;
import io.openegiz.flux.broker.security.Authenticator;
import io.openegiz.flux.broker.security.Authorizer;
import io.openegiz.flux.broker.security.ConnectionCaps;
import io.openegiz.flux.broker.security.SecurityServices;
import io.openegiz.flux.broker.session.SessionRegistry;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The broker-wide services a connection works with, assembled once by {@code FluxBroker}.
 *
 * @param scheduler timers that outlive a connection (session expiry, delayed wills)
 * @param quotas retained, session and publish-rate quotas per identity
 * @param connectionCaps connections per identity and unauthenticated connections per address
 */
public record BrokerContext(BrokerConfig config, SessionRegistry sessions, SubscriptionTree subscriptions,
    Router router, SecurityServices security, BrokerMetrics metrics, Clock clock,
    ScheduledExecutorService scheduler, BrokerQuotas quotas, ConnectionCaps connectionCaps) {

  public Authenticator authenticator() {
    return security.authenticator();
  }

  public Authorizer authorizer() {
    return security.authorizer();
  }
}
