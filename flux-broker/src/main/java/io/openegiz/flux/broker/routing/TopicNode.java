package io.openegiz.flux.broker.routing;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import io.openegiz.flux.broker.message.Subscription;

/**
 * One level of the {@link SubscriptionTree}. Readers (matching) never lock: every field they read
 * is volatile or a concurrent map. Writers mutate a node only while holding its monitor, and lock
 * parent before child, so pruning can mark a node dead without losing a concurrent subscribe.
 */
final class TopicNode extends LevelNode<TopicNode> {

  /** Children beyond this many literal levels move from a copy-on-write array to a hash map. */
  static final int ARRAY_LIMIT = 8;

  private static final TopicNode[] NO_CHILDREN = new TopicNode[0];

  // Wildcard children are kept apart so matching reaches them without a lookup.
  private volatile TopicNode plus;
  private volatile TopicNode hash;
  // Either TopicNode[] (few children, copy-on-write) or ConcurrentHashMap<String, TopicNode>.
  private volatile Object literals = NO_CHILDREN;
  // Lazily created: most interior nodes hold no subscriptions.
  private volatile ConcurrentHashMap<String, Subscription> subscriptions;
  private volatile ConcurrentHashMap<String, SharedGroup> groups;

  TopicNode(String token, TopicNode parent) {
    super(token, parent);
  }

  TopicNode plus() {
    return plus;
  }

  TopicNode hash() {
    return hash;
  }

  @Override
  TopicNode child(String level) {
    if (level.length() == 1) {
      char c = level.charAt(0);
      if (c == '+') {
        return plus;
      }
      if (c == '#') {
        return hash;
      }
    }
    return literal(level);
  }

  /** Lock-free lookup of a literal child; also used by matching, where "+" in a topic is literal. */
  @SuppressWarnings("unchecked")
  TopicNode literal(String level) {
    Object l = literals;
    if (l instanceof TopicNode[] array) {
      for (TopicNode n : array) {
        if (n.token.equals(level)) {
          return n;
        }
      }
      return null;
    }
    return ((Map<String, TopicNode>) l).get(level);
  }

  ConcurrentHashMap<String, Subscription> subscriptions() {
    return subscriptions;
  }

  ConcurrentHashMap<String, SharedGroup> groups() {
    return groups;
  }

  // ---- the methods below must be called while holding this node's monitor ----

  @Override
  TopicNode getOrCreateChild(String level) {
    TopicNode existing = child(level);
    if (existing != null) {
      return existing;
    }
    TopicNode created = new TopicNode(level, this);
    if (level.equals("+")) {
      plus = created;
    } else if (level.equals("#")) {
      hash = created;
    } else {
      addLiteral(created);
    }
    return created;
  }

  @SuppressWarnings("unchecked")
  private void addLiteral(TopicNode child) {
    Object l = literals;
    if (l instanceof TopicNode[] array) {
      if (array.length < ARRAY_LIMIT) {
        TopicNode[] copy = Arrays.copyOf(array, array.length + 1);
        copy[array.length] = child;
        literals = copy;
        return;
      }
      ConcurrentHashMap<String, TopicNode> map = new ConcurrentHashMap<>();
      for (TopicNode n : array) {
        map.put(n.token, n);
      }
      map.put(child.token, child);
      literals = map;
      return;
    }
    ((Map<String, TopicNode>) l).put(child.token, child);
  }

  @Override
  @SuppressWarnings("unchecked")
  void removeChild(TopicNode child) {
    if (child == plus) {
      plus = null;
    } else if (child == hash) {
      hash = null;
    } else if (literals instanceof TopicNode[] array) {
      TopicNode[] copy = Arrays.stream(array).filter(n -> n != child).toArray(TopicNode[]::new);
      literals = copy.length == 0 ? NO_CHILDREN : copy;
    } else {
      Map<String, TopicNode> map = (Map<String, TopicNode>) literals;
      map.remove(child.token, child);
      if (map.isEmpty()) {
        literals = NO_CHILDREN; // give the map back after churn
      }
    }
  }

  Subscription putSubscription(Subscription s) {
    ConcurrentHashMap<String, Subscription> m = subscriptions;
    if (m == null) {
      m = new ConcurrentHashMap<>(2);
      subscriptions = m;
    }
    return m.put(s.clientId(), s);
  }

  boolean removeSubscription(String clientId) {
    ConcurrentHashMap<String, Subscription> m = subscriptions;
    if (m == null || m.remove(clientId) == null) {
      return false;
    }
    if (m.isEmpty()) {
      subscriptions = null;
    }
    return true;
  }

  SharedGroup getOrCreateGroup(String name, String filter) {
    ConcurrentHashMap<String, SharedGroup> m = groups;
    if (m == null) {
      m = new ConcurrentHashMap<>(2);
      groups = m;
    }
    return m.computeIfAbsent(name, k -> new SharedGroup(k, filter));
  }

  /** Removes a member from a group, dropping the group when it becomes empty. */
  boolean removeFromGroup(String name, String clientId) {
    ConcurrentHashMap<String, SharedGroup> m = groups;
    SharedGroup g = m == null ? null : m.get(name);
    if (g == null || !g.remove(clientId)) {
      return false;
    }
    if (g.isEmpty()) {
      m.remove(name);
      if (m.isEmpty()) {
        groups = null;
      }
    }
    return true;
  }

  @Override
  boolean isEmpty() {
    Object l = literals;
    boolean noLiterals = l instanceof TopicNode[] a ? a.length == 0 : ((Map<?, ?>) l).isEmpty();
    return noLiterals && plus == null && hash == null && subscriptions == null && groups == null;
  }

  /** A snapshot of all children, for diagnostics and tests. */
  @SuppressWarnings("unchecked")
  java.util.List<TopicNode> children() {
    java.util.List<TopicNode> out = new java.util.ArrayList<>();
    Object l = literals;
    if (l instanceof TopicNode[] array) {
      out.addAll(Arrays.asList(array));
    } else {
      out.addAll(((Map<String, TopicNode>) l).values());
    }
    if (plus != null) {
      out.add(plus);
    }
    if (hash != null) {
      out.add(hash);
    }
    return out;
  }
}
