package io.openegiz.flux.fleet.bench;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/** Counters and the latency recorder the connections update and the sampler reads once a second. */
final class BenchStats {
  /** Latencies are recorded in microseconds, up to ten minutes, to three significant digits. */
  static final long MAX_LATENCY_MICROS = 600_000_000L;

  final LongAdder offered = new LongAdder();
  final LongAdder sent = new LongAdder();
  final LongAdder acked = new LongAdder();
  final LongAdder delivered = new LongAdder();
  final LongAdder duplicates = new LongAdder();
  final Recorder latency = new Recorder(1, MAX_LATENCY_MICROS, 3);
  /** First-time deliveries per publisher, summed over subscribers: the delivery-scoped window reads it. */
  final AtomicLongArray deliveredByPublisher;
  private volatile boolean stopping;
  private volatile Runnable onDelivered = () -> {};

  BenchStats(int publishers) {
    deliveredByPublisher = new AtomicLongArray(publishers);
  }

  /** Called by subscribers after each read batch, so publishers waiting on deliveries can send again. */
  void onDelivered(Runnable r) {
    onDelivered = r;
  }

  void delivered() {
    onDelivered.run();
  }

  void recordLatency(long nanos) {
    long micros = Math.max(1, Math.min(MAX_LATENCY_MICROS, nanos / 1_000));
    latency.recordValue(micros);
  }

  boolean stopping() {
    return stopping;
  }

  void stop() {
    stopping = true;
  }
}
