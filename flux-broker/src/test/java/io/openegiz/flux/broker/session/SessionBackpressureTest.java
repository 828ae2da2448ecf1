package io.openegiz.flux.broker.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.openegiz.flux.broker.metrics.BrokerMetrics;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class SessionBackpressureTest {

  /**
   * Paused publishers register from their own event loops while others wake the waiters: every
   * registered resume must run exactly once. A resume run twice un-pauses a publisher that is still
   * waiting elsewhere and leaves its pause count negative, so its next pause never ends.
   */
  @Test
  void everyWaiterIsResumedExactlyOnceUnderConcurrentWakeUps() throws Exception {
    Session s = new Session("sub", new SessionLimits(1000, 0), BrokerMetrics.NOOP, Clock.systemUTC());
    int threads = 4;
    int perThread = 20_000;
    AtomicIntegerArray runs = new AtomicIntegerArray(threads * perThread);
    CountDownLatch start = new CountDownLatch(1);
    Thread[] ts = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      int base = t * perThread;
      ts[t] = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < perThread; i++) {
          int slot = base + i;
          s.awaitRoom(() -> runs.incrementAndGet(slot)); // queue is empty: wakes at once
        }
      });
      ts[t].start();
    }
    start.countDown();
    for (Thread t : ts) {
      t.join();
    }
    AtomicInteger wrong = new AtomicInteger();
    for (int i = 0; i < runs.length(); i++) {
      if (runs.get(i) != 1) {
        wrong.incrementAndGet();
      }
    }
    assertEquals(0, wrong.get(), "waiters not resumed exactly once");
  }
}
