package io.openegiz.flux.broker.store;

import java.util.concurrent.atomic.LongAdder;

/** Counters of the store's writer, for metrics and for tests that check group commit batches. */
public final class StoreStats {
  private final LongAdder operations = new LongAdder();
  private final LongAdder batches = new LongAdder();
  private final LongAdder syncs = new LongAdder();
  private final LongAdder failedBatches = new LongAdder();

  void committed(int ops, boolean synced) {
    operations.add(ops);
    batches.increment();
    if (synced) syncs.increment();
  }

  void synced() {
    syncs.increment();
  }

  void failed() {
    failedBatches.increment();
  }

  /** Operations written (each enqueue, ack, session change counts one). */
  public long operations() {
    return operations.sum();
  }

  /** Write batches committed. */
  public long batches() { return batches.sum(); }

  /** Fsyncs of the write-ahead log. */
  public long syncs() { return syncs.sum(); }

  /** Batches that failed to write (disk full, I/O error). */
  public long failedBatches() { return failedBatches.sum(); }

  @Override
  public String toString() {
    return "operations=" + operations() + " batches=" + batches() + " syncs=" + syncs()
        + " failedBatches=" + failedBatches();
  }
}
