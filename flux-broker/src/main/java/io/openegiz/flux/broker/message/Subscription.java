package io.openegiz.flux.broker.message;

import java.util.Objects;

/**
 * One client's subscription to one topic filter, with its MQTT 5 subscription options; MQTT 3.1.1
 * subscriptions use the defaults (false, false, 0, 0).
 *
 * @param clientId the subscribing client, never null
 * @param filter the topic filter without any {@code $share/{group}/} prefix, never null
 * @param shareGroup the shared subscription group name, or null when the subscription is not shared
 * @param qos the maximum QoS granted (0, 1 or 2)
 * @param noLocal do not deliver the client's own publications back to it
 * @param retainAsPublished keep the RETAIN flag as published when forwarding
 * @param retainHandling when to send retained messages on subscribe (0, 1 or 2)
 * @param subscriptionId the subscription identifier, 0 when none
 */
public record Subscription(
    String clientId,
    String filter,
    String shareGroup,
    int qos,
    boolean noLocal,
    boolean retainAsPublished,
    int retainHandling,
    int subscriptionId) {

  public Subscription {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(filter, "filter");
    if (qos < 0 || qos > 2) {
      throw new IllegalArgumentException("qos must be 0, 1 or 2: " + qos);
    }
    if (retainHandling < 0 || retainHandling > 2) {
      throw new IllegalArgumentException("retainHandling must be 0, 1 or 2: " + retainHandling);
    }
  }

  /** A non-shared subscription with default MQTT 5 options, convenient for MQTT 3.1.1 and tests. */
  public static Subscription of(String clientId, String filter, int qos) {
    return new Subscription(clientId, filter, null, qos, false, false, 0, 0);
  }

  /** A shared subscription with default MQTT 5 options. */
  public static Subscription shared(String clientId, String group, String filter, int qos) {
    return new Subscription(clientId, filter, Objects.requireNonNull(group, "group"), qos, false, false, 0, 0);
  }

  /** True when this subscription belongs to a shared subscription group. */
  public boolean isShared() {
    return shareGroup != null;
  }
}
