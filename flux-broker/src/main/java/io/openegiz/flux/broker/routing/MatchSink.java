package io.openegiz.flux.broker.routing;

import io.openegiz.flux.broker.message.Subscription;

/**
 * Receives the matches of one {@link SubscriptionTree#match} call; called on the matching thread,
 * so implementations should only collect.
 */
public interface MatchSink {

  /**
   * One matching non-shared subscription; a client with several overlapping filters gets one
   * call per filter, and the caller merges them (MQTT 5 section 3.3.4).
   */
  void subscription(Subscription s);

  /** One matching shared group (same name and same filter); the caller picks one member. */
  void sharedGroup(SharedGroup g);
}
