package io.openegiz.flux.fleet.bench;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * What the reconnect storm's clients report to: who is connected now, and per epoch (0 = before the
 * kill, 1 = after the restart) how many have connected and had their message delivered, and when.
 */
final class StormState {
  final AtomicInteger connectedNow = new AtomicInteger();
  final AtomicInteger connectedInEpoch = new AtomicInteger();
  final AtomicInteger deliveredInEpoch = new AtomicInteger();
  final LongAdder attemptsInEpoch = new LongAdder();
  private final Histogram reconnect = new Histogram(1, BenchStats.MAX_LATENCY_MICROS, 3);
  private final Histogram redelivered = new Histogram(1, BenchStats.MAX_LATENCY_MICROS, 3);
  private volatile int epoch;
  private volatile long epochStart = System.nanoTime();
  private volatile boolean stopping;

  int epoch() {
    return epoch;
  }

  /** Starts counting afresh: everything that connects or arrives from now on belongs to {@code next}. */
  synchronized void beginEpoch(int next) {
    epochStart = System.nanoTime();
    connectedInEpoch.set(0);
    deliveredInEpoch.set(0);
    attemptsInEpoch.reset();
    reconnect.reset();
    redelivered.reset();
    epoch = next;
  }

  synchronized void connected(long atNanos) {
    connectedInEpoch.incrementAndGet();
    reconnect.recordValue(micros(atNanos - epochStart));
  }

  synchronized void delivered(long atNanos) {
    deliveredInEpoch.incrementAndGet();
    redelivered.recordValue(micros(atNanos - epochStart));
  }

  /** Per-client time from the epoch's start to CONNACK. */
  synchronized LatencySummary reconnectTimes() {
    return LatencySummary.of(reconnect);
  }

  /** Per-client time from the epoch's start to its message delivered. */
  synchronized LatencySummary deliveryTimes() {
    return LatencySummary.of(redelivered);
  }

  boolean stopping() {
    return stopping;
  }

  void stop() {
    stopping = true;
  }

  private static long micros(long nanos) {
    return Math.max(1, Math.min(BenchStats.MAX_LATENCY_MICROS, nanos / 1_000));
  }
}
