package io.openegiz.flux.broker.store;

import static io.openegiz.flux.broker.store.RecordCodecTest.plainMessage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Storage failure with an injected I/O error; {@link DiskFullTest} does the same on a real full disk. */
class StoreFailureTest {
  @TempDir
  Path dir;

  @Test
  void failedDiskRefusesDurableWritesRetriesAcksAndRecoversByItself() throws Exception {
    FaultyKvStore kv = new FaultyKvStore(RocksKvStore.open(dir));
    long kept;
    try (DurableStore store = new DurableStore(kv, StoreOptions.groupCommit(dir))) {
      store.recover();
      store.putSession(new SessionRecord("c", 5, 60, 0, List.of())).get(5, TimeUnit.SECONDS);
      kept = store.nextMessageId();
      long acked = store.nextMessageId();
      store.enqueue("c", kept, plainMessage("t", "kept"), 1, false, List.of()).get(5, TimeUnit.SECONDS);
      store.enqueue("c", acked, plainMessage("t", "acked"), 1, false, List.of()).get(5, TimeUnit.SECONDS);

      kv.failing = true;
      CompletableFuture<Void> refused = store.enqueue("c", store.nextMessageId(), plainMessage("t", "no"), 1,
          false, List.of());
      assertThatThrownBy(() -> refused.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(StoreUnavailableException.class).hasMessageContaining("No space left")
          .satisfies(e -> assertThat(DiskFullException.in(e)).isTrue());
      CompletableFuture<Void> ack = store.ack("c", acked);
      // kept and retried, not lost: still pending for as long as the store fails
      await().during(java.time.Duration.ofMillis(300)).atMost(java.time.Duration.ofSeconds(2))
          .until(() -> !ack.isDone());
      await().atMost(java.time.Duration.ofSeconds(5)).until(() -> store.stats().failedBatches() >= 2);

      kv.failing = false;
      ack.get(5, TimeUnit.SECONDS);
      store.enqueue("c", store.nextMessageId(), plainMessage("t", "after"), 1, false, List.of())
          .get(5, TimeUnit.SECONDS);
    }
    try (DurableStore store = DurableStore.open(StoreOptions.groupCommit(dir))) {
      List<StoredDelivery> q = store.recover().queues().get("c");
      assertThat(q).extracting(d -> new String(d.message().payload())).containsExactly("kept", "after");
      assertThat(q.get(0).id()).isEqualTo(kept);
    }
  }
}
