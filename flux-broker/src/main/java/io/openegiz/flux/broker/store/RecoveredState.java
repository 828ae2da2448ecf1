package io.openegiz.flux.broker.store;

import io.openegiz.flux.broker.message.Message;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the store held at start-up, to rebuild the broker's state from.
 *
 * @param sessions the sessions, by client id order
 * @param queues each session's queued and in-flight deliveries, in queue order
 * @param inboundQos2 each session's inbound QoS 2 packet ids that await PUBREL
 * @param retained the retained messages
 * @param wills the delayed wills
 */
public record RecoveredState(List<SessionRecord> sessions, Map<String, List<StoredDelivery>> queues,
    Map<String, Set<Integer>> inboundQos2, List<Message> retained, List<WillRecord> wills) {

  /** Number of queued deliveries over all sessions. */
  public long queuedCount() {
    return queues.values().stream().mapToLong(List::size).sum();
  }
}
