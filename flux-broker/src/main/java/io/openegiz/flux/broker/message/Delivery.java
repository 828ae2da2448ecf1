package io.openegiz.flux.broker.message;

import java.util.List;

/**
 * A message on its way to one client, with the QoS and flags of this delivery: made by the router,
 * queued by the session, written by the protocol.
 *
 * @param storeId the message's id in the durable store when this delivery is stored there, else 0
 */
public record Delivery(Message message, int qos, boolean retain, List<Integer> subscriptionIds, long storeId) {
  public Delivery(Message message, int qos, boolean retain, List<Integer> subscriptionIds) {
    this(message, qos, retain, subscriptionIds, 0);
  }

  /** The same delivery, stored under this id. */
  public Delivery stored(long id) {
    return new Delivery(message, qos, retain, subscriptionIds, id);
  }
}
