package io.openegiz.flux.broker.routing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** TEMPORARY stub: a scan, replaced by the real tree from the routing branch. */
public final class SubscriptionTree {
  /** Receives matches. */
  public interface MatchSink {
    void subscription(Subscription s);
    void sharedGroup(SharedGroup g);
  }

  private final Map<String, Subscription> subs = new ConcurrentHashMap<>();
  private final Map<String, SharedGroup> groups = new ConcurrentHashMap<>();

  public Subscription subscribe(Subscription s) {
    if (s.shareGroup() != null) {
      SharedGroup g = groups.computeIfAbsent(s.shareGroup() + "\0" + s.filter(), k -> new SharedGroup());
      g.members.removeIf(m -> m.clientId().equals(s.clientId()));
      g.members.add(s);
      return null;
    }
    return subs.put(s.clientId() + "\0" + s.filter(), s);
  }

  public boolean unsubscribe(String clientId, String shareGroup, String filter) {
    if (shareGroup != null) {
      SharedGroup g = groups.get(shareGroup + "\0" + filter);
      return g != null && g.members.removeIf(m -> m.clientId().equals(clientId));
    }
    return subs.remove(clientId + "\0" + filter) != null;
  }

  public void match(String topic, MatchSink sink) {
    for (Subscription s : subs.values()) if (Topics.matches(s.filter(), topic)) sink.subscription(s);
    for (Map.Entry<String, SharedGroup> e : groups.entrySet()) {
      String filter = e.getKey().substring(e.getKey().indexOf('\0') + 1);
      if (!e.getValue().members.isEmpty() && Topics.matches(filter, topic)) sink.sharedGroup(e.getValue());
    }
  }

  public int subscriptionCount() {
    return subs.size();
  }
}
