package io.openegiz.flux.benchmarks;

import io.openegiz.flux.broker.routing.SubscriptionTree;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Matches one topic against a tree of 100,000 factory-shaped subscriptions: 10,000 devices with
 * 7 exact subscriptions each, 30 broad wildcards and about 30,000 per-equipment {@code #} filters.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TopicMatchBenchmark {

  static final int DEVICES = 10_000;
  static final int TOTAL = 100_000;

  private SubscriptionTree tree;
  private String[] topics;
  private int next;

  @Setup
  public void setup() {
    tree = FactoryTopology.build(DEVICES, 7, TOTAL);
    List<String> all = FactoryTopology.deviceTopics(DEVICES);
    topics = all.toArray(String[]::new);
  }

  /** A device topic (cycling through all devices to defeat caches): about 30 matches each. */
  @Benchmark
  public int matchDeviceTopic() {
    String topic = topics[next];
    next = next + 1 == topics.length ? 0 : next + 1;
    CountingSink sink = new CountingSink();
    tree.match(topic, sink);
    return sink.count;
  }

  /** A topic under openegiz/ that only the broad wildcards match. */
  @Benchmark
  public int matchUnknownDevice() {
    CountingSink sink = new CountingSink();
    tree.match("openegiz/f9/robot/robot-1/temperature/telemetry", sink);
    return sink.count;
  }

  /** A topic outside the tree: the cost of a miss at the first level. */
  @Benchmark
  public int matchOutsideTree() {
    CountingSink sink = new CountingSink();
    tree.match("other/f1/oven/oven-1/temperature/telemetry", sink);
    return sink.count;
  }
}
