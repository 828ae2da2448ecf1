package io.openegiz.flux.broker.routing;

import io.openegiz.flux.broker.message.Message;

/**
 * Sees every message the router routes (publishes and wills, after authorisation), on the publisher's
 * event loop: implementations must be cheap and must not block. The status page's fleet view is one.
 */
@FunctionalInterface
public interface RouteTap {

  /** A message is being routed; {@code m} and its payload must not be modified or kept past the call. */
  void routed(Message m);

  /** A tap that sees nothing. */
  RouteTap NONE = m -> {};
}
