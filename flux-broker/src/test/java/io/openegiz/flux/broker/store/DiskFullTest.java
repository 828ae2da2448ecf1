package io.openegiz.flux.broker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.openegiz.flux.broker.message.Message;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full disk: the store lives on a 48 MiB tmpfs that a filler file fills up. Needs root (to
 * mount); skipped elsewhere, where {@link StoreFailureTest} covers the same with an injected error.
 */
class DiskFullTest {
  @TempDir
  Path dir;
  private SmallDisk disk;

  @AfterEach
  void unmount() throws Exception {
    if (disk != null) {
      disk.close();
    }
  }

  @Test
  void fullDiskRefusesWritesThenRecoversWhenSpaceIsFreed() throws Exception {
    disk = SmallDisk.mount(dir, "48m");
    Path mnt = disk.path();
    Path storeDir = mnt.resolve("store");
    List<Long> acknowledged = new ArrayList<>();
    try (DurableStore store = DurableStore.open(StoreOptions.groupCommit(storeDir))) {
      store.recover();
      store.putSession(new SessionRecord("c", 5, 60, 0, List.of())).get(10, TimeUnit.SECONDS);
      Path filler = mnt.resolve("filler");
      SmallDisk.fill(filler);
      Throwable failure = null;
      for (int i = 0; i < 5_000 && failure == null; i++) {
        long id = store.nextMessageId();
        try {
          store.enqueue("c", id, message(id), 1, false, List.of()).get(10, TimeUnit.SECONDS);
          acknowledged.add(id);
        } catch (ExecutionException e) {
          failure = e.getCause();
        }
      }
      assertThat(failure).isInstanceOf(StoreUnavailableException.class);
      assertThat(DiskFullException.in(failure)).as("RocksDB's NoSpace status becomes a DiskFullException: %s", failure)
          .isTrue();
      Files.delete(filler);
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
        long id = store.nextMessageId();
        CompletableFuture<Void> f = store.enqueue("c", id, message(id), 1, false, List.of());
        try {
          f.get(10, TimeUnit.SECONDS);
          acknowledged.add(id);
          return true;
        } catch (ExecutionException e) {
          return false;
        }
      });
    }
    try (DurableStore store = DurableStore.open(StoreOptions.groupCommit(storeDir))) {
      List<StoredDelivery> q = store.recover().queues().get("c");
      assertThat(q).extracting(StoredDelivery::id).containsAll(acknowledged);
    }
  }

  private static Message message(long id) {
    return new Message("t/" + id, new byte[64 * 1024], 1, false, "p", 0, Message.Properties.NONE);
  }
}
