package io.openegiz.flux.broker.routing;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import io.openegiz.flux.broker.message.Message;

/**
 * Retained messages in a concurrent topic tree, one node per topic level, matched like
 * {@link SubscriptionTree} but the other way round: here the tree holds topic names and the query is a
 * filter, so matching walks only the branches the filter's levels allow. Readers take no lock; a put
 * or a removal locks one node at a time (two while pruning, parent first), and nodes left empty are
 * unlinked so that churn through many distinct topics does not leak.
 */
public final class RetainedTree {

  private final Node root = new Node("", null);
  private final AtomicInteger count = new AtomicInteger();

  /**
   * Stores {@code m} as its topic's retained message, or clears the topic when the payload is empty
   * [MQTT-3.3.1-6]; the topic must be a valid topic name.
   *
   * @return the message it replaced or cleared, or null
   */
  public Message put(Message m) {
    String[] levels = SubscriptionTree.split(m.topic());
    if (m.payload().length == 0) {
      return remove(levels);
    }
    while (true) {
      Node leaf = LevelNode.descendCreating(root, levels);
      if (leaf == null) {
        continue; // walked into a node being pruned; start again from the root
      }
      synchronized (leaf) {
        if (leaf.isDead()) {
          continue;
        }
        Message previous = leaf.message;
        leaf.message = m;
        if (previous == null) {
          count.incrementAndGet();
        }
        return previous;
      }
    }
  }

  /** The retained message of {@code topic}, or null. */
  public Message get(String topic) {
    Node node = LevelNode.find(root, SubscriptionTree.split(topic));
    return node == null ? null : node.message;
  }

  /** Number of retained messages. */
  public int size() {
    return count.get();
  }

  /** The messages whose topic matches {@code filter} (a valid filter), found lazily. */
  public RetainedCursor matching(String filter) {
    return new Walk(root, SubscriptionTree.split(filter));
  }

  /** Calls {@code sink} for every message whose topic matches {@code filter}, in one go. */
  public void forEachMatching(String filter, Consumer<Message> sink) {
    RetainedCursor c = matching(filter);
    Message m;
    while ((m = c.next(Integer.MAX_VALUE)) != null) {
      sink.accept(m);
    }
  }

  /** Number of nodes below the root; for tests of pruning. */
  int nodeCount() {
    return countNodes(root) - 1;
  }

  private Message remove(String[] levels) {
    Message previous = LevelNode.remove(root, levels, node -> {
      Message m = node.message;
      node.message = null;
      return m;
    });
    if (previous != null) {
      count.decrementAndGet();
    }
    return previous;
  }

  private static int countNodes(Node node) {
    int n = 1;
    for (Node child : node.children()) {
      n += countNodes(child);
    }
    return n;
  }

  /**
   * One topic level. Readers see {@code message} and {@code children} through volatile reads and a
   * concurrent map; writers change them only while holding the node's monitor ({@link LevelNode}).
   */
  private static final class Node extends LevelNode<Node> {
    volatile Message message;
    // Lazily created: most nodes are leaves.
    private volatile ConcurrentHashMap<String, Node> children;

    Node(String token, Node parent) {
      super(token, parent);
    }

    @Override
    Node child(String level) {
      ConcurrentHashMap<String, Node> c = children;
      return c == null ? null : c.get(level);
    }

    /** A weakly consistent view of the children: safe to walk while others change the tree. */
    Iterable<Node> children() {
      ConcurrentHashMap<String, Node> c = children;
      return c == null ? Collections.emptyList() : c.values();
    }

    @Override
    Node getOrCreateChild(String level) {
      ConcurrentHashMap<String, Node> c = children;
      if (c == null) {
        c = new ConcurrentHashMap<>(4);
        children = c;
      }
      return c.computeIfAbsent(level, l -> new Node(l, this));
    }

    @Override
    void removeChild(Node child) {
      ConcurrentHashMap<String, Node> c = children;
      if (c != null) {
        c.remove(child.token, child);
        if (c.isEmpty()) {
          children = null; // give the map back after churn
        }
      }
    }

    @Override
    boolean isEmpty() {
      ConcurrentHashMap<String, Node> c = children;
      return message == null && (c == null || c.isEmpty());
    }
  }

  /**
   * A depth-first walk with an explicit stack of child iterators, so that it can stop after any node
   * and go on later. Messages stored or cleared during the walk may or may not be seen.
   */
  private static final class Walk implements RetainedCursor {

    /**
     * Children still to visit. Each has consumed filter levels {@code [0, depth)}; in a subtree
     * (below a '#') every node matches. At the first level wildcards skip '$' topics.
     */
    private record Frame(Iterator<Node> children, int depth, boolean subtree, boolean skipDollar) {}

    private final String[] filter;
    private final ArrayDeque<Frame> stack = new ArrayDeque<>();
    private long visits;

    Walk(Node root, String[] filter) {
      this.filter = filter;
      stack.push(new Frame(Collections.singleton(root).iterator(), 0, false, false));
    }

    @Override
    public Message next(int maxVisits) {
      for (int v = 0; v < maxVisits; v++) {
        Frame top = stack.peek();
        if (top == null) {
          return null;
        }
        if (!top.children.hasNext()) {
          stack.pop();
          continue;
        }
        Node node = top.children.next();
        visits++;
        if (top.skipDollar && node.token.startsWith("$")) {
          continue; // [MQTT-4.7.2-1] a leading '+' or '#' does not match topics starting with '$'
        }
        Message m = visit(node, top.depth, top.subtree);
        if (m != null) {
          return m;
        }
      }
      return null;
    }

    /** Pushes what is to be walked below {@code node}; returns its message when the node matches. */
    private Message visit(Node node, int depth, boolean subtree) {
      if (subtree) {
        push(node, depth, true, false);
        return node.message;
      }
      if (depth == filter.length) {
        return node.message;
      }
      String level = filter[depth];
      if (level.equals("#")) {
        push(node, depth, true, depth == 0);
        return node.message; // [MQTT-4.7.1-2] "sport/#" also matches "sport"
      }
      if (level.equals("+")) {
        push(node, depth + 1, false, depth == 0);
        return null;
      }
      Node child = node.child(level);
      if (child != null) {
        stack.push(new Frame(Collections.singleton(child).iterator(), depth + 1, false, false));
      }
      return null;
    }

    private void push(Node node, int depth, boolean subtree, boolean skipDollar) {
      Iterator<Node> it = node.children().iterator();
      if (it.hasNext()) {
        stack.push(new Frame(it, depth, subtree, skipDollar));
      }
    }

    @Override
    public boolean done() {
      while (!stack.isEmpty() && !stack.peek().children.hasNext()) {
        stack.pop();
      }
      return stack.isEmpty();
    }

    @Override
    public long visits() {
      return visits;
    }
  }
}
