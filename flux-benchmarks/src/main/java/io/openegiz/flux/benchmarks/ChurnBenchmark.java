package io.openegiz.flux.benchmarks;

import io.openegiz.flux.broker.message.Subscription;
import io.openegiz.flux.broker.routing.SubscriptionTree;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One thread subscribes and unsubscribes (clients connecting and leaving, so nodes are created
 * and pruned) while another matches device topics against the same 100,000-subscription tree.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ChurnBenchmark {

  private SubscriptionTree tree;
  private String[] topics;
  private String[] churnFilters;

  @Setup
  public void setup() {
    tree = FactoryTopology.build(TopicMatchBenchmark.DEVICES, 7, TopicMatchBenchmark.TOTAL);
    topics = FactoryTopology.deviceTopics(TopicMatchBenchmark.DEVICES).toArray(String[]::new);
    // Filters on new paths (a sensor type nobody else uses), so every cycle creates and prunes nodes.
    churnFilters = new String[topics.length];
    for (int i = 0; i < topics.length; i++) {
      churnFilters[i] = topics[i].replace("/telemetry", "/debug");
    }
  }

  /** Per-thread cursor, so the two group threads do not share a counter. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;

    int advance(int length) {
      int i = next;
      next = i + 1 == length ? 0 : i + 1;
      return i;
    }
  }

  /** One subscribe plus one unsubscribe of a fresh path. */
  @Benchmark
  @Group("churn")
  @GroupThreads(1)
  public boolean subscribeUnsubscribe(Cursor cursor) {
    String filter = churnFilters[cursor.advance(churnFilters.length)];
    tree.subscribe(Subscription.of("churner", filter, 1));
    return tree.unsubscribe("churner", null, filter);
  }

  /** One match of a device topic while the other thread churns. */
  @Benchmark
  @Group("churn")
  @GroupThreads(1)
  public int match(Cursor cursor) {
    CountingSink sink = new CountingSink();
    tree.match(topics[cursor.advance(topics.length)], sink);
    return sink.count;
  }
}
