package io.openegiz.flux.broker.store;

import static io.openegiz.flux.broker.store.RecordCodecTest.assertSameMessage;
import static io.openegiz.flux.broker.store.RecordCodecTest.fullMessage;
import static io.openegiz.flux.broker.store.RecordCodecTest.plainMessage;
import static org.assertj.core.api.Assertions.assertThat;

import io.openegiz.flux.broker.message.Message;
import io.openegiz.flux.broker.message.Subscription;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.openegiz.flux.broker.routing.DurableRetainedStore;

class DurableStoreTest {
  @TempDir
  Path dir;

  private DurableStore open() {
    return DurableStore.open(StoreOptions.groupCommit(dir));
  }

  private static SessionRecord session(String clientId) {
    return new SessionRecord(clientId, 5, 3600, 0, List.of(Subscription.of(clientId, "a/#", 2)));
  }

  private static void await(CompletableFuture<?> f) throws Exception {
    f.get(10, TimeUnit.SECONDS);
  }

  @Test
  void everythingSurvivesReopenWithQueueOrderPerSession() throws Exception {
    try (DurableStore store = open()) {
      assertThat(store.recover().sessions()).isEmpty();
      await(store.putSession(session("c1")));
      await(store.putSession(session("c2")));
      List<CompletableFuture<Void>> pending = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        long id = store.nextMessageId();
        List<QueueTarget> targets = i % 2 == 0
            ? List.of(new QueueTarget("c1", 1, false, List.of()), new QueueTarget("c2", 2, true, List.of(7)))
            : List.of(new QueueTarget("c1", 2, false, List.of(3)));
        pending.add(store.enqueue(id, plainMessage("a/" + i, "m" + i), targets, 0));
      }
      pending.add(store.addInboundQos2("c2", 17));
      pending.add(store.putRetained(fullMessage()));
      pending.add(store.putWill("c1", plainMessage("will/c1", "gone"), 123_456));
      await(CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)));
    }
    try (DurableStore store = open()) {
      RecoveredState s = store.recover();
      assertThat(s.sessions()).containsExactly(session("c1"), session("c2"));
      List<StoredDelivery> c1 = s.queues().get("c1");
      assertThat(c1).hasSize(100);
      assertThat(c1).extracting(d -> d.message().topic())
          .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 100).mapToObj(i -> "a/" + i).toList());
      assertThat(s.queues().get("c2")).hasSize(50).allSatisfy(d -> {
        assertThat(d.qos()).isEqualTo(2);
        assertThat(d.retain()).isTrue();
        assertThat(d.subscriptionIds()).containsExactly(7);
      });
      assertThat(s.inboundQos2()).containsOnlyKeys("c2");
      assertThat(s.inboundQos2().get("c2")).containsExactly(17);
      assertThat(s.retained()).hasSize(1);
      assertSameMessage(s.retained().get(0), fullMessage());
      assertThat(s.wills()).singleElement().satisfies(w -> {
        assertThat(w.clientId()).isEqualTo("c1");
        assertThat(w.dueAtMillis()).isEqualTo(123_456);
      });
      assertThat(store.nextMessageId()).isGreaterThan(c1.get(99).id());
    }
  }

  @Test
  void inflightStateAndAcksAreKept() throws Exception {
    long a;
    long b;
    long c;
    try (DurableStore store = open()) {
      store.recover();
      await(store.putSession(session("c1")));
      a = store.nextMessageId();
      b = store.nextMessageId();
      c = store.nextMessageId();
      for (long id : new long[] {a, b, c}) {
        await(store.enqueue("c1", id, plainMessage("t", "x" + id), 2, false, List.of()));
      }
      await(store.markInflight("c1", a, 10));
      await(store.markInflight("c1", b, 11));
      await(store.markReleased("c1", b, 11));
      await(store.ack("c1", a));
      await(store.markInflight("c1", a, 12)); // late: an acknowledged delivery must not come back
    }
    try (DurableStore store = open()) {
      List<StoredDelivery> q = store.recover().queues().get("c1");
      assertThat(q).extracting(StoredDelivery::id).containsExactly(b, c);
      assertThat(q.get(0).packetId()).isEqualTo(11);
      assertThat(q.get(0).released()).isTrue();
      assertThat(q.get(1).packetId()).isZero();
    }
  }

  @Test
  void messageSharedBySessionsIsDeletedWithItsLastReference() throws Exception {
    try (DurableStore store = open()) {
      store.recover();
      await(store.putSession(session("c1")));
      await(store.putSession(session("c2")));
      long id = store.nextMessageId();
      await(store.enqueue(id, plainMessage("t", "shared"), List.of(new QueueTarget("c1", 1, false, List.of()),
          new QueueTarget("c2", 1, false, List.of())), 0));
      await(store.ack("c1", id));
      await(store.ack("c1", id)); // a duplicate acknowledgement changes nothing
      assertThat(countKeys(store, StoreKeys.MESSAGE)).isEqualTo(1);
      await(store.removeSession("c2"));
      assertThat(countKeys(store, StoreKeys.MESSAGE)).isZero();
      assertThat(countKeys(store, StoreKeys.QUEUE)).isZero();
    }
  }

  /** A read batch of PUBACKs is one store operation; what it names is gone, the rest stays in order. */
  @Test
  void ackAllRemovesExactlyTheNamedDeliveries() throws Exception {
    long[] ids = new long[4];
    try (DurableStore store = open()) {
      store.recover();
      await(store.putSession(session("c1")));
      for (int i = 0; i < ids.length; i++) {
        ids[i] = store.nextMessageId();
        await(store.enqueue("c1", ids[i], plainMessage("a/" + i, "m" + i), i == 3 ? 2 : 1, false, List.of()));
      }
      await(store.markInflight("c1", ids[3], 11));
      long before = store.stats().operations();
      await(store.ackAll("c1", new long[] {ids[0], ids[3]}, new int[] {1, 2}));
      assertThat(store.stats().operations() - before).isEqualTo(1);
      assertThat(countKeys(store, StoreKeys.INFLIGHT)).isZero();
    }
    try (DurableStore store = open()) {
      assertThat(store.recover().queues().get("c1")).extracting(StoredDelivery::id).containsExactly(ids[1], ids[2]);
    }
  }

  @Test
  void removeSessionRemovesEverythingOfIt() throws Exception {
    try (DurableStore store = open()) {
      store.recover();
      for (String c : List.of("c", "c2")) {
        await(store.putSession(session(c)));
        long id = store.nextMessageId();
        await(store.enqueue(c, id, plainMessage("t", c), 2, false, List.of()));
        await(store.markInflight(c, id, 5));
        await(store.addInboundQos2(c, 9));
        await(store.putWill(c, plainMessage("w", c), 1));
      }
      await(store.removeSession("c"));
    }
    try (DurableStore store = open()) {
      RecoveredState s = store.recover();
      assertThat(s.sessions()).extracting(SessionRecord::clientId).containsExactly("c2");
      assertThat(s.queues()).containsOnlyKeys("c2");
      assertThat(s.inboundQos2()).containsOnlyKeys("c2");
      assertThat(s.wills()).extracting(WillRecord::clientId).containsExactly("c2");
    }
  }

  @Test
  void retainedClearedByEmptyPayloadAndWillsRemoved() throws Exception {
    try (DurableStore store = open()) {
      store.recover();
      DurableRetainedStore retained = new DurableRetainedStore(store, List.of());
      await(retained.putDurably(plainMessage("r/1", "on")));
      await(retained.putDurably(plainMessage("r/2", "on")));
      await(retained.putDurably(new Message("r/1", new byte[0], 1, true, "p", 0, Message.Properties.NONE)));
      assertThat(retained.size()).isEqualTo(1);
      await(store.putWill("c", plainMessage("w", "x"), 5));
      await(store.removeWill("c"));
    }
    try (DurableStore store = open()) {
      RecoveredState s = store.recover();
      DurableRetainedStore retained = new DurableRetainedStore(store, s.retained());
      List<String> topics = new ArrayList<>();
      retained.forEachMatching("r/#", m -> topics.add(m.topic()));
      assertThat(topics).containsExactly("r/2");
      assertThat(s.wills()).isEmpty();
    }
  }

  @Test
  void recoveryDropsQueuesOfSessionsThatAreGone() throws Exception {
    try (DurableStore store = open()) {
      store.recover();
      await(store.enqueue("ghost", store.nextMessageId(), plainMessage("t", "x"), 1, false, List.of()));
    }
    try (DurableStore store = open()) {
      assertThat(store.recover().queues()).isEmpty();
      assertThat(countKeys(store, StoreKeys.MESSAGE)).isZero();
    }
  }

  @Test
  void durableFutureCompletesOnlyAfterTheWrite() throws Exception {
    FaultyKvStore kv = new FaultyKvStore(RocksKvStore.open(dir));
    try (DurableStore store = new DurableStore(kv, StoreOptions.groupCommit(dir))) {
      store.recover();
      kv.gate = new CountDownLatch(1);
      CompletableFuture<Void> f = store.enqueue("c", store.nextMessageId(), plainMessage("t", "x"), 1, false,
          List.of());
      org.awaitility.Awaitility.await().during(java.time.Duration.ofMillis(100)).atMost(java.time.Duration.ofSeconds(1))
          .until(() -> !f.isDone());
      assertThat(store.stats().syncs()).isZero();
      kv.gate.countDown();
      await(f);
      assertThat(store.stats().syncs()).isEqualTo(1);
    }
  }

  @Test
  void groupCommitSharesOneFsyncAmongManyWrites() throws Exception {
    int threads = 8;
    int perThread = 1250;
    try (DurableStore store = open()) {
      store.recover();
      await(store.putSession(session("c")));
      long syncsBefore = store.stats().syncs();
      List<CompletableFuture<Void>> all = java.util.Collections.synchronizedList(new ArrayList<>());
      List<Thread> producers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        producers.add(Thread.ofPlatform().start(() -> {
          for (int i = 0; i < perThread; i++) {
            all.add(store.enqueue("c", store.nextMessageId(), plainMessage("t", "payload"), 1, false, List.of()));
          }
        }));
      }
      for (Thread p : producers) p.join();
      await(CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)));
      long syncs = store.stats().syncs() - syncsBefore;
      assertThat(all).hasSize(10_000);
      // One fsync per message would be 10,000; group commit needs a small fraction of that.
      assertThat(syncs).isPositive().isLessThan(1_000);
    }
  }

  static long countKeys(DurableStore store, byte tag) throws Exception {
    long[] n = {0};
    store.kv().scanAll((k, v) -> {
      if (k[0] == tag) n[0]++;
    });
    return n[0];
  }
}
