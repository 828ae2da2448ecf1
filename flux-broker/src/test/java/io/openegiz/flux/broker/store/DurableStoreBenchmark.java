package io.openegiz.flux.broker.store;

import io.openegiz.flux.broker.message.Message;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Durable enqueue throughput (4 producers, 256 B messages, each with 1,000 unacknowledged enqueues
 * like a publisher's receive window) under group commit and periodic sync, and recovery time of
 * 1,000,000 stored messages. Run: see docs/benchmarks.md, "Durable store".
 */
public final class DurableStoreBenchmark {
  private static final int PRODUCERS = 4;
  private static final int WINDOW = 1_000;

  private DurableStoreBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path base = Path.of(args.length > 0 ? args[0] : "target/store-bench");
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int recoverCount = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
    Files.createDirectories(base);
    if (args.length > 3) { // recovery only, of a store filled by an earlier run
      timeRecovery(Path.of(args[3]));
      return;
    }
    throughput(StoreOptions.groupCommit(Files.createTempDirectory(base, "gc")), seconds);
    throughput(StoreOptions.periodic(Files.createTempDirectory(base, "periodic"), 100), seconds);
    recovery(Files.createTempDirectory(base, "recovery"), recoverCount);
  }

  private static void throughput(StoreOptions options, int seconds) throws Exception {
    try (DurableStore store = DurableStore.open(options)) {
      store.recover();
      store.putSession(new SessionRecord("sub", 5, 3600, 0, List.of())).get();
      LongAdder done = new LongAdder();
      LongAdder latencyNanos = new LongAdder();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      Thread[] producers = new Thread[PRODUCERS];
      for (int t = 0; t < PRODUCERS; t++) {
        producers[t] = Thread.ofPlatform().start(() -> produce(store, end, done, latencyNanos));
      }
      for (Thread p : producers) p.join();
      long n = done.sum();
      StoreStats s = store.stats();
      System.out.printf("%s: %,d durable enqueues in %d s = %,d msg/s; %,d fsyncs (%,.0f messages per fsync);"
          + " mean latency %.2f ms%n", options.sync(), n, seconds, n / seconds, s.syncs(),
          (double) n / Math.max(1, s.syncs()), latencyNanos.sum() / 1e6 / Math.max(1, n));
    }
  }

  private static void produce(DurableStore store, long end, LongAdder done, LongAdder latencyNanos) {
    Semaphore window = new Semaphore(WINDOW);
    byte[] payload = new byte[256];
    while (System.nanoTime() < end) {
      window.acquireUninterruptibly();
      long id = store.nextMessageId();
      long start = System.nanoTime();
      Message m = new Message("openegiz/f1/oven/o-1/thermal/telemetry", payload, 1, false, "pub", 0,
          Message.Properties.NONE);
      store.enqueue("sub", id, m, 1, false, List.of()).whenComplete((v, e) -> {
        latencyNanos.add(System.nanoTime() - start);
        done.increment();
        window.release();
      });
    }
    window.acquireUninterruptibly(WINDOW);
  }

  private static void recovery(Path dir, int count) throws Exception {
    long fillStart = System.nanoTime();
    try (DurableStore store = DurableStore.open(StoreOptions.periodic(dir, 1000))) {
      store.recover();
      store.putSession(new SessionRecord("sub", 5, 3600, 0, List.of())).get();
      Semaphore window = new Semaphore(10_000);
      byte[] payload = new byte[256];
      for (int i = 0; i < count; i++) {
        window.acquireUninterruptibly();
        long id = store.nextMessageId();
        Message m = new Message("openegiz/f1/oven/o-" + (i % 1000) + "/thermal/telemetry", payload, 1, false,
            "pub", 0, Message.Properties.NONE);
        store.enqueue("sub", id, m, 1, false, List.of()).whenComplete((v, e) -> window.release());
      }
      window.acquireUninterruptibly(10_000);
    }
    System.out.printf("filled %,d messages in %.1f s%n", count, (System.nanoTime() - fillStart) / 1e9);
    timeRecovery(dir);
  }

  private static void timeRecovery(Path dir) {
    long start = System.nanoTime();
    try (DurableStore store = DurableStore.open(StoreOptions.groupCommit(dir))) {
      RecoveredState state = store.recover();
      double secs = (System.nanoTime() - start) / 1e9;
      System.out.printf("recovered %,d queued messages in %.2f s (open + scan + decode)%n", state.queuedCount(), secs);
    }
  }
}
