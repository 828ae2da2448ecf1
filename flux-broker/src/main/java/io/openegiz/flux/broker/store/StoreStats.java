package io.openegiz.flux.broker.store;

import io.openegiz.flux.broker.metrics.Latency;
import io.prometheus.metrics.core.metrics.Histogram;
import java.util.concurrent.atomic.LongAdder;

/** Counters of the store's writer, for metrics and for tests that check group commit batches. */
public final class StoreStats {
  private final LongAdder operations = new LongAdder();
  private final LongAdder batches = new LongAdder();
  private final LongAdder syncs = new LongAdder();
  private final LongAdder failedBatches = new LongAdder();
  private final Histogram batchWrite = Latency.histogram("flux_store_batch_write_seconds",
      "one batch from the start of its write to its fsync done: what a QoS 1 publisher's PUBACK waits for");
  private final Histogram sync = Latency.histogram("flux_store_sync_seconds",
      "the fsync alone (periodic syncs; under group commit it is part of the batch write)");
  private volatile boolean unavailable;

  void committed(int ops, boolean synced, long nanos) {
    batchWrite.observe(nanos / 1e9);
    unavailable = false;
    operations.add(ops);
    batches.increment();
    if (synced) syncs.increment();
  }

  void synced(long nanos) {
    sync.observe(nanos / 1e9);
    syncs.increment();
  }

  void failed() {
    unavailable = true;
    failedBatches.increment();
  }

  /** True while writes fail (docs/durability.md "Failure"); cleared by the next batch written. */
  public boolean unavailable() {
    return unavailable;
  }

  /** Batch write durations, for {@code /metrics}. */
  public Histogram batchWriteSeconds() {
    return batchWrite;
  }

  /** Fsync durations, for {@code /metrics}. */
  public Histogram syncSeconds() {
    return sync;
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
