package io.openegiz.flux.broker.store;

import java.util.List;
import java.util.Objects;

/**
 * One persistent session a message is queued for, with the QoS and flags of that delivery.
 *
 * @param clientId the session's client id
 * @param qos the delivery QoS (1 or 2; QoS 0 is never stored)
 * @param retain the RETAIN flag of the delivery
 * @param subscriptionIds MQTT 5 subscription identifiers of the matching subscriptions
 */
public record QueueTarget(String clientId, int qos, boolean retain, List<Integer> subscriptionIds) {
  public QueueTarget {
    Objects.requireNonNull(clientId, "clientId");
    subscriptionIds = List.copyOf(subscriptionIds);
  }
}
