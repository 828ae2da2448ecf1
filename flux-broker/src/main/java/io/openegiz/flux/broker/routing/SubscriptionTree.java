package io.openegiz.flux.broker.routing;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import io.openegiz.flux.broker.message.Subscription;
import io.openegiz.flux.broker.message.Topics;

/**
 * A concurrent topic tree of subscriptions, one node per filter level. Matching walks only the
 * branches a topic can reach and takes no lock; subscribe and unsubscribe lock one node at a time
 * (two while pruning, parent first), so many event loops can match while others change the tree.
 */
public final class SubscriptionTree {

  private final TopicNode root = new TopicNode("", null);
  private final AtomicInteger count = new AtomicInteger();
  private final int maxLevels;

  /** A tree accepting filters of up to {@link Topics#DEFAULT_MAX_LEVELS} levels. */
  public SubscriptionTree() {
    this(Topics.DEFAULT_MAX_LEVELS);
  }

  /** A tree accepting filters of up to {@code maxLevels} levels. */
  public SubscriptionTree(int maxLevels) {
    if (maxLevels < 1) {
      throw new IllegalArgumentException("maxLevels must be positive: " + maxLevels);
    }
    this.maxLevels = maxLevels;
  }

  /**
   * Adds {@code s}, replacing the subscription with the same client id, share group and filter
   * (MQTT 5 section 3.8.4: a repeated SUBSCRIBE replaces the existing subscription).
   *
   * @return the replaced subscription, or null when it is new
   * @throws IllegalArgumentException when the filter or the share name is invalid
   */
  public Subscription subscribe(Subscription s) {
    String reason = Topics.validateTopicFilter(s.filter(), maxLevels);
    if (reason == null && s.shareGroup() != null) {
      reason = validateShareName(s.shareGroup());
    }
    if (reason != null) {
      throw new IllegalArgumentException(reason);
    }
    String[] levels = split(s.filter());
    while (true) {
      TopicNode leaf = LevelNode.descendCreating(root, levels);
      if (leaf == null) {
        continue; // walked into a node being pruned; start again from the root
      }
      synchronized (leaf) {
        if (leaf.isDead()) {
          continue;
        }
        Subscription replaced = s.shareGroup() == null
            ? leaf.putSubscription(s)
            : leaf.getOrCreateGroup(s.shareGroup(), s.filter()).put(s);
        if (replaced == null) {
          count.incrementAndGet();
        }
        return replaced;
      }
    }
  }

  /**
   * Removes the subscription of {@code clientId} to {@code filter} in {@code shareGroup} (null
   * when not shared), pruning nodes left empty.
   *
   * @return true when there was such a subscription
   */
  public boolean unsubscribe(String clientId, String shareGroup, String filter) {
    Boolean removed = LevelNode.remove(root, split(filter), node -> (shareGroup == null
        ? node.removeSubscription(clientId)
        : node.removeFromGroup(shareGroup, clientId)) ? Boolean.TRUE : null);
    if (removed == null) {
      return false;
    }
    count.decrementAndGet();
    return true;
  }

  /**
   * Reports every subscription matching {@code topic} (a valid topic name) to {@code sink}: one
   * call per matching non-shared subscription and one per matching shared group.
   */
  public void match(String topic, MatchSink sink) {
    String[] levels = split(topic);
    // [MQTT-4.7.2-1] topics starting with '$' are not matched by a leading '+' or '#'.
    if (topic.isEmpty() || topic.charAt(0) != '$') {
      TopicNode hash = root.hash();
      if (hash != null) {
        deliver(hash, sink);
      }
      TopicNode plus = root.plus();
      if (plus != null) {
        matchFrom(plus, levels, 1, sink);
      }
    }
    TopicNode literal = root.literal(levels[0]);
    if (literal != null) {
      matchFrom(literal, levels, 1, sink);
    }
  }

  /** The number of subscriptions held, shared group members included. */
  public int subscriptionCount() {
    return count.get();
  }

  /** Number of nodes below the root; for tests of pruning. */
  int nodeCount() {
    return countNodes(root) - 1;
  }

  /** {@code node} has consumed {@code levels[0 .. i-1]}. Recursion depth is bounded by maxLevels. */
  private static void matchFrom(TopicNode node, String[] levels, int i, MatchSink sink) {
    TopicNode hash = node.hash();
    if (hash != null) {
      deliver(hash, sink); // [MQTT-4.7.1-2] '#' also matches the parent: "sport/#" matches "sport"
    }
    if (i == levels.length) {
      deliver(node, sink);
      return;
    }
    TopicNode plus = node.plus();
    if (plus != null) {
      matchFrom(plus, levels, i + 1, sink); // '+' matches any one level, the empty one included
    }
    TopicNode literal = node.literal(levels[i]);
    if (literal != null) {
      matchFrom(literal, levels, i + 1, sink);
    }
  }

  private static void deliver(TopicNode node, MatchSink sink) {
    ConcurrentHashMap<String, Subscription> subs = node.subscriptions();
    if (subs != null) {
      for (Subscription s : subs.values()) {
        sink.subscription(s);
      }
    }
    ConcurrentHashMap<String, SharedGroup> groups = node.groups();
    if (groups != null) {
      for (SharedGroup g : groups.values()) {
        if (!g.isEmpty()) {
          sink.sharedGroup(g);
        }
      }
    }
  }

  private static int countNodes(TopicNode node) {
    int n = 1;
    for (TopicNode child : node.children()) {
      n += countNodes(child);
    }
    return n;
  }

  private static String validateShareName(String group) {
    if (group.isEmpty()) {
      return "share name is empty"; // [MQTT-4.8.2-1]
    }
    for (int i = 0; i < group.length(); i++) {
      char c = group.charAt(i);
      if (c == '/' || c == '+' || c == '#') {
        return "share name contains '/', '+' or '#'"; // [MQTT-4.8.2-1]
      }
    }
    return null;
  }

  /** Splits on '/', keeping empty levels; avoids the regex path of String.split. */
  static String[] split(String s) {
    int levels = 1;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '/') {
        levels++;
      }
    }
    String[] out = new String[levels];
    int start = 0;
    int k = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '/') {
        out[k++] = s.substring(start, i);
        start = i + 1;
      }
    }
    out[k] = s.substring(start);
    return out;
  }
}
