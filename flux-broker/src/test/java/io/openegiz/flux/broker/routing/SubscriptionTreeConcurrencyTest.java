package io.openegiz.flux.broker.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import io.openegiz.flux.broker.message.Subscription;
import io.openegiz.flux.broker.message.Topics;

/**
 * Writers churn subscriptions while readers match. Readers check that untouched subscriptions
 * are never missed; at the end the tree must hold exactly what the writers' models say.
 */
class SubscriptionTreeConcurrencyTest {

  private static final int WRITERS = 4;
  private static final int READERS = 2;
  private static final int OPS = 100_000;

  private final SubscriptionTree tree = new SubscriptionTree();

  @Test
  void concurrentChurnEndsWithTheExactExpectedSet() throws Exception {
    // Stable subscriptions share the churned paths, so pruning runs right next to them.
    tree.subscribe(Subscription.of("stable", "f/+/x", 0));
    tree.subscribe(Subscription.shared("stable", "g", "f/#", 0));
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS + READERS);
    CountDownLatch start = new CountDownLatch(1);
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicLong matches = new AtomicLong();
    try {
      List<Future<Map<String, Subscription>>> writers = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int id = w;
        writers.add(pool.submit(() -> churn(id, start)));
      }
      List<Future<?>> readers = new ArrayList<>();
      for (int r = 0; r < READERS; r++) {
        long seed = r;
        readers.add(pool.submit(() -> {
          read(seed, start, writing, matches);
          return null;
        }));
      }
      start.countDown();
      Map<String, Subscription> expected = new HashMap<>();
      for (Future<Map<String, Subscription>> f : writers) {
        expected.putAll(f.get(60, TimeUnit.SECONDS));
      }
      writing.set(false);
      for (Future<?> f : readers) {
        f.get(60, TimeUnit.SECONDS);
      }
      assertThat(matches.get()).isPositive();
      assertThat(tree.subscriptionCount()).isEqualTo(expected.size() + 2);
      for (String topic : allTopics()) {
        assertThat(nonShared(topic)).as(topic).isEqualTo(expectedFor(expected.values(), topic));
      }
      for (Subscription s : expected.values()) {
        assertThat(tree.unsubscribe(s.clientId(), null, s.filter())).isTrue();
      }
      // Only the stable paths remain: f, +, x, #.
      assertThat(tree.nodeCount()).isEqualTo(4);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Random subscribe/unsubscribe on clients owned by this writer; returns its final model. */
  private Map<String, Subscription> churn(int writer, CountDownLatch start) throws InterruptedException {
    Random rnd = new Random(writer);
    Map<String, Subscription> model = new HashMap<>();
    start.await();
    for (int i = 0; i < OPS; i++) {
      // Two clients per writer: nodes empty out often, so pruning races with subscribes.
      String client = "w" + writer + "-" + rnd.nextInt(2);
      String filter = randomFilter(rnd);
      String key = client + " " + filter;
      if (rnd.nextBoolean()) {
        Subscription s = Subscription.of(client, filter, rnd.nextInt(3));
        Subscription replaced = tree.subscribe(s);
        assertThat(replaced).isEqualTo(model.put(key, s));
      } else {
        boolean removed = tree.unsubscribe(client, null, filter);
        assertThat(removed).isEqualTo(model.remove(key) != null);
      }
    }
    return model;
  }

  private void read(long seed, CountDownLatch start, AtomicBoolean writing, AtomicLong matches)
      throws InterruptedException {
    Random rnd = new Random(seed);
    List<String> topics = allTopics();
    start.await();
    while (writing.get()) {
      String topic = topics.get(rnd.nextInt(topics.size()));
      Collector c = Collector.match(tree, topic);
      boolean stableMatch = c.subscriptions.stream()
          .anyMatch(s -> s.clientId().equals("stable") && s.filter().equals("f/+/x"));
      assertThat(stableMatch).as(topic).isEqualTo(Topics.matches("f/+/x", topic));
      assertThat(c.groups).as(topic).hasSize(1); // "f/#" matches every generated topic
      matches.incrementAndGet();
    }
  }

  /** Filters under "f/" with 12 siblings at level two so children switch between array and map. */
  private static String randomFilter(Random rnd) {
    String mid = rnd.nextInt(6) == 0 ? "+" : "n" + rnd.nextInt(12);
    return switch (rnd.nextInt(4)) {
      case 0 -> "f/" + mid;
      case 1 -> "f/" + mid + "/#";
      default -> "f/" + mid + "/" + (char) ('x' + rnd.nextInt(3));
    };
  }

  private static List<String> allTopics() {
    List<String> topics = new ArrayList<>();
    for (int n = 0; n < 12; n++) {
      topics.add("f/n" + n);
      for (char c = 'x'; c <= 'z'; c++) {
        topics.add("f/n" + n + "/" + c);
      }
    }
    return topics;
  }

  private Set<String> nonShared(String topic) {
    Set<String> out = new HashSet<>();
    for (Subscription s : Collector.match(tree, topic).subscriptions) {
      if (!s.clientId().equals("stable")) {
        out.add(s.clientId() + " " + s.filter() + " " + s.qos());
      }
    }
    return out;
  }

  private static Set<String> expectedFor(Iterable<Subscription> subs, String topic) {
    Set<String> out = new HashSet<>();
    for (Subscription s : subs) {
      if (Topics.matches(s.filter(), topic)) {
        out.add(s.clientId() + " " + s.filter() + " " + s.qos());
      }
    }
    return out;
  }
}
