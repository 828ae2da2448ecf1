package io.openegiz.flux.broker.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import io.openegiz.flux.broker.message.Message;

class RetainedTreeTest {

  private final RetainedTree tree = new RetainedTree();

  private static Message msg(String topic, String payload) {
    return new Message(topic, payload.getBytes(StandardCharsets.UTF_8), 1, true, "p", 0, Message.Properties.NONE);
  }

  private void retain(String... topics) {
    for (String t : topics) {
      tree.put(msg(t, "x"));
    }
  }

  private Set<String> match(String filter) {
    Set<String> out = new HashSet<>();
    tree.forEachMatching(filter, m -> assertThat(out.add(m.topic())).as("reported twice: " + m.topic()).isTrue());
    return out;
  }

  @Test
  void matchesSpecExamples() {
    retain("sport/tennis/player1", "sport/tennis/player1/ranking", "sport/tennis/player1/score/wimbledon",
        "sport", "sport/", "/finance", "finance", "$SYS/monitor/Clients", "$SYS", "sport/tennis/player2");
    assertThat(match("sport/tennis/player1/#")).containsExactlyInAnyOrder("sport/tennis/player1",
        "sport/tennis/player1/ranking", "sport/tennis/player1/score/wimbledon");
    assertThat(match("sport/#")).containsExactlyInAnyOrder("sport", "sport/", "sport/tennis/player1",
        "sport/tennis/player1/ranking", "sport/tennis/player1/score/wimbledon", "sport/tennis/player2");
    assertThat(match("sport/tennis/+")).containsExactlyInAnyOrder("sport/tennis/player1", "sport/tennis/player2");
    assertThat(match("sport/+")).containsExactly("sport/"); // '+' matches the empty level, not "sport"
    assertThat(match("+")).containsExactlyInAnyOrder("sport", "finance");
    assertThat(match("+/+")).containsExactlyInAnyOrder("sport/", "/finance");
    assertThat(match("/+")).containsExactly("/finance");
    assertThat(match("sport/tennis/player1")).containsExactly("sport/tennis/player1");
    assertThat(match("no/such")).isEmpty();
  }

  @Test
  void leadingWildcardsDoNotMatchDollarTopics() {
    retain("$SYS/monitor/Clients", "$SYS", "a/$b");
    // [MQTT-4.7.2-1]
    assertThat(match("#")).containsExactly("a/$b");
    assertThat(match("+/monitor/Clients")).isEmpty();
    assertThat(match("+")).isEmpty();
    assertThat(match("$SYS/#")).containsExactlyInAnyOrder("$SYS", "$SYS/monitor/Clients");
    assertThat(match("$SYS/monitor/+")).containsExactly("$SYS/monitor/Clients");
    assertThat(match("a/+")).containsExactly("a/$b"); // only the first level is special
  }

  @Test
  void putReplacesAndEmptyPayloadClears() {
    assertThat(tree.put(msg("a/b", "1"))).isNull();
    assertThat(tree.put(msg("a/b", "2")).payload()).isEqualTo("1".getBytes(StandardCharsets.UTF_8));
    assertThat(tree.size()).isEqualTo(1);
    assertThat(tree.get("a/b").payload()).isEqualTo("2".getBytes(StandardCharsets.UTF_8));
    assertThat(tree.put(msg("a/b", ""))).isNotNull(); // [MQTT-3.3.1-6]
    assertThat(tree.put(msg("a/b", ""))).isNull();
    assertThat(tree.get("a/b")).isNull();
    assertThat(tree.size()).isZero();
  }

  @Test
  void emptyNodesArePrunedOnDelete() {
    retain("a/b/c/d", "a/b/x");
    assertThat(tree.nodeCount()).isEqualTo(5);
    tree.put(msg("a/b/c/d", ""));
    assertThat(tree.nodeCount()).isEqualTo(3); // a, a/b, a/b/x
    tree.put(msg("a/b/x", ""));
    assertThat(tree.nodeCount()).isZero();
  }

  @Test
  void churnThroughDistinctTopicsDoesNotGrowTheTree() {
    for (int i = 0; i < 10_000; i++) {
      String topic = "openegiz/f1/oven/oven-" + i + "/temperature/status";
      tree.put(msg(topic, "x"));
      tree.put(msg(topic, ""));
    }
    assertThat(tree.nodeCount()).isZero();
    assertThat(tree.size()).isZero();
  }

  @Test
  void aCursorWithASmallBudgetFindsTheSameMessagesAsOneWalk() {
    Random rnd = new Random(7);
    for (int i = 0; i < 2_000; i++) {
      tree.put(msg(RetainedTreePropertyTest.randomTopic(rnd) + "/" + i, "x"));
    }
    for (String filter : List.of("#", "a/#", "+/+/#", "+/b/+/+", "$s/#")) {
      RetainedCursor c = tree.matching(filter);
      Set<String> sliced = new HashSet<>();
      int slices = 0;
      while (!c.done()) {
        long before = c.visits();
        Message m = c.next(3);
        assertThat(c.visits() - before).isLessThanOrEqualTo(3);
        if (m != null) {
          assertThat(sliced.add(m.topic())).isTrue();
        }
        slices++;
      }
      assertThat(c.next(100)).isNull();
      assertThat(sliced).as(filter).isEqualTo(match(filter));
      assertThat(slices).isGreaterThan(sliced.size() / 3);
    }
  }

  @Test
  void narrowFilterWalksOnlyItsBranch() {
    for (int i = 0; i < 1_000; i++) {
      retain("openegiz/f1/oven/oven-" + i + "/thermal/status", "openegiz/f1/oven/oven-" + i + "/electrical/status");
    }
    RetainedCursor c = tree.matching("openegiz/f1/oven/oven-7/+/status");
    Set<String> found = new HashSet<>();
    Message m;
    while ((m = c.next(Integer.MAX_VALUE)) != null) {
      found.add(m.topic());
    }
    assertThat(found).containsExactlyInAnyOrder("openegiz/f1/oven/oven-7/thermal/status",
        "openegiz/f1/oven/oven-7/electrical/status");
    assertThat(c.visits()).isLessThan(20);
  }

  @Test
  void readersNeverMissStableTopicsWhileOthersChurn() throws Exception {
    retain("f/stable/x", "f/y/stable");
    ExecutorService pool = Executors.newFixedThreadPool(3);
    AtomicBoolean writing = new AtomicBoolean(true);
    try {
      List<Future<Map<String, Boolean>>> writers = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        int id = w;
        writers.add(pool.submit(() -> {
          Random rnd = new Random(id);
          Map<String, Boolean> held = new HashMap<>();
          for (int i = 0; i < 50_000; i++) {
            String topic = "f/" + rnd.nextInt(30) + "/w" + id + "/" + rnd.nextInt(3);
            boolean put = rnd.nextBoolean();
            tree.put(msg(topic, put ? "x" : ""));
            held.put(topic, put);
          }
          return held;
        }));
      }
      Future<Integer> reader = pool.submit(() -> {
        int rounds = 0;
        while (writing.get() || rounds == 0) {
          Set<String> seen = new HashSet<>();
          tree.forEachMatching("f/#", m -> seen.add(m.topic()));
          assertThat(seen).contains("f/stable/x", "f/y/stable");
          rounds++;
        }
        return rounds;
      });
      Set<String> expected = new HashSet<>(Set.of("f/stable/x", "f/y/stable"));
      for (Future<Map<String, Boolean>> w : writers) {
        w.get().forEach((topic, held) -> {
          if (held) {
            expected.add(topic);
          }
        });
      }
      writing.set(false);
      assertThat(reader.get()).isPositive();
      assertThat(match("f/#")).isEqualTo(expected);
      assertThat(tree.size()).isEqualTo(expected.size());
    } finally {
      pool.shutdownNow();
    }
  }
}
