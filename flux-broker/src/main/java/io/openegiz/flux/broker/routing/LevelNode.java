package io.openegiz.flux.broker.routing;

import java.util.function.Function;

/**
 * One level of a concurrent topic tree ({@link SubscriptionTree}, {@link RetainedTree}), and the
 * locking protocol both trees share. Readers never lock. Writers change a node only while holding
 * its monitor and lock parent before child; pruning marks an empty node dead under both monitors,
 * so a writer that reaches a dead node starts again from the root instead of writing into a node
 * that is no longer linked.
 *
 * @param <N> the concrete node type
 */
abstract class LevelNode<N extends LevelNode<N>> {

  final String token;
  final N parent;
  // Set under parent and own monitor once the node is unlinked.
  private boolean dead;

  LevelNode(String token, N parent) {
    this.token = token;
    this.parent = parent;
  }

  /** Lock-free child lookup by level text. */
  abstract N child(String level);

  /** Returns the child for {@code level}, creating it. Caller holds this monitor. */
  abstract N getOrCreateChild(String level);

  /** Unlinks {@code child}. Caller holds this monitor and the child's. */
  abstract void removeChild(N child);

  /** True when the node holds nothing and can be pruned. */
  abstract boolean isEmpty();

  /** Caller holds the monitor. */
  final boolean isDead() {
    return dead;
  }

  /** Caller holds the parent's monitor and this one. */
  private void markDead() {
    dead = true;
  }

  /** Walks to the node for {@code levels}, creating missing nodes; null if it met a dead node. */
  static <N extends LevelNode<N>> N descendCreating(N root, String[] levels) {
    N node = root;
    for (String level : levels) {
      N child = node.child(level);
      if (child == null) {
        synchronized (node) {
          if (node.isDead()) {
            return null;
          }
          child = node.getOrCreateChild(level);
        }
      }
      node = child;
    }
    return node;
  }

  /** The node for {@code levels}, or null; takes no lock. */
  static <N extends LevelNode<N>> N find(N root, String[] levels) {
    N node = root;
    for (int i = 0; i < levels.length && node != null; i++) {
      node = node.child(levels[i]);
    }
    return node;
  }

  /**
   * Takes something out of the node for {@code levels}: {@code take} runs under the node's lock (again on
   * a fresh node if the one found was pruned meanwhile) and returns what it removed, or null for nothing;
   * a node left empty is then pruned. Null when there is no such node.
   */
  static <N extends LevelNode<N>, R> R remove(N root, String[] levels, Function<N, R> take) {
    while (true) {
      N node = find(root, levels);
      if (node == null) {
        return null;
      }
      R taken;
      boolean empty;
      synchronized (node) {
        if (node.isDead()) {
          continue; // pruned meanwhile; a fresh node may hold it now
        }
        taken = take.apply(node);
        empty = taken != null && node.isEmpty();
      }
      if (empty) {
        prune(node);
      }
      return taken;
    }
  }

  /**
   * Unlinks empty nodes bottom-up. Holding parent then child monitors makes the emptiness check and
   * the unlink atomic against a writer, which locks the node and sees it dead.
   */
  static <N extends LevelNode<N>> void prune(N start) {
    N node = start;
    while (node.parent != null) {
      N parent = node.parent;
      synchronized (parent) {
        synchronized (node) {
          if (node.isDead() || !node.isEmpty()) {
            return;
          }
          ((LevelNode<N>) node).markDead();
          parent.removeChild(node);
        }
      }
      node = parent;
    }
  }
}
