package io.openegiz.flux.broker.store;

import io.openegiz.flux.broker.message.Message;
import java.util.List;

/**
 * A queued delivery as recovered: the message, its delivery flags and its in-flight state.
 *
 * @param id the message id given by {@link DurableStore#nextMessageId()}; queue order
 * @param message the message
 * @param qos the delivery QoS
 * @param retain the RETAIN flag of the delivery
 * @param subscriptionIds MQTT 5 subscription identifiers
 * @param packetId the packet id it was sent with (QoS 2), or 0 when it is not in flight
 * @param released true when PUBREC came and PUBREL is due instead of the PUBLISH
 */
public record StoredDelivery(long id, Message message, int qos, boolean retain, List<Integer> subscriptionIds,
    int packetId, boolean released) {
  public StoredDelivery {
    subscriptionIds = List.copyOf(subscriptionIds);
  }
}
