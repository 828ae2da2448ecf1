package io.openegiz.flux.broker.store;

import io.openegiz.flux.broker.message.Message;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * The process {@link StoreCrashTest} kills with SIGKILL: it enqueues durable messages from four
 * threads and prints "ACK id ok" for each one whose future completed, until it is killed.
 */
public final class StoreCrashWriter {
  private StoreCrashWriter() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    PrintStream out = System.out;
    DurableStore store = DurableStore.open(StoreOptions.groupCommit(dir));
    RecoveredState state = store.recover();
    store.putSession(new SessionRecord("c", 5, 3600, 0, List.of())).get();
    out.println("READY " + state.queuedCount());
    out.flush();
    Semaphore window = new Semaphore(2_000); // bounded like a broker's inflight window
    for (int t = 0; t < 4; t++) {
      Thread.ofPlatform().start(() -> {
        while (true) {
          window.acquireUninterruptibly();
          long id = store.nextMessageId();
          Message m = new Message("crash/" + id, new byte[256], 1, false, "p", 0, Message.Properties.NONE);
          store.enqueue("c", id, m, 1, false, List.of()).whenComplete((v, e) -> {
            window.release();
            if (e == null) {
              synchronized (out) {
                out.println("ACK " + id + " ok"); // the end mark tells a whole line from a torn one
              }
            }
          });
        }
      });
    }
    new java.util.concurrent.CountDownLatch(1).await(); // until the test kills this process
  }
}
