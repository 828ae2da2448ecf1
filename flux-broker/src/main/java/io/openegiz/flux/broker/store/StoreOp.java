package io.openegiz.flux.broker.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One operation waiting for the writer thread. Its writes are staged once, on the writer thread, so
 * that bookkeeping (reference counts) is touched by one thread only and a retried operation writes
 * exactly what it first meant to.
 */
final class StoreOp {

  /** Adds the operation's key-value writes; runs on the writer thread. */
  interface Stager {
    void stage(List<KvWrite> out);
  }

  final boolean durable;
  final CompletableFuture<Void> future = new CompletableFuture<>();
  private final Stager stager;
  private final Runnable rollback;
  private List<KvWrite> staged;

  /**
   * @param durable true when the caller waits for the write to be on disk; such an operation fails
   *     fast when the disk does, the others are retried until they succeed
   * @param rollback undoes the stager's bookkeeping when a durable write fails
   */
  StoreOp(boolean durable, Stager stager, Runnable rollback) {
    this.durable = durable;
    this.stager = stager;
    this.rollback = rollback;
  }

  void stageInto(List<KvWrite> out) {
    if (staged == null) {
      staged = new ArrayList<>(4);
      stager.stage(staged);
    }
    out.addAll(staged);
  }

  void rollback() {
    if (staged != null) {
      rollback.run();
    }
  }
}
