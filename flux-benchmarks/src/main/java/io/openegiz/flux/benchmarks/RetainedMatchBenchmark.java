package io.openegiz.flux.benchmarks;

import io.openegiz.flux.broker.message.Message;
import io.openegiz.flux.broker.routing.RetainedTree;
import io.openegiz.flux.broker.message.Topics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A wildcard SUBSCRIBE against 1,000,000 retained status topics
 * ({@code openegiz/{factory}/{type}/{type}-{n}/{sensor}/status}, 250,000 equipment with 4 sensors each):
 * the retained tree against the map scan it replaced (kept here only, for comparison). Each operation
 * finds every match of one filter.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RetainedMatchBenchmark {

  static final int TOPICS = 1_000_000;
  /** One oven's status topics: 4 matches. */
  static final String NARROW = "openegiz/f1/oven/oven-0/+/status";
  /** Every electrical status topic: 250,000 matches. */
  static final String BROAD = "openegiz/+/+/+/electrical/status";

  private RetainedTree tree;
  private Map<String, Message> map;

  @Setup
  public void setup() {
    tree = new RetainedTree();
    map = new ConcurrentHashMap<>();
    byte[] payload = new byte[16];
    for (int i = 0; map.size() < TOPICS; i++) {
      for (String sensor : FactoryTopology.SENSORS) {
        String topic = FactoryTopology.equipmentPath(i) + "/" + sensor + "/status";
        Message m = new Message(topic, payload, 1, true, "seed", 0, Message.Properties.NONE);
        tree.put(m);
        map.put(topic, m);
      }
    }
  }

  @Benchmark
  public int treeNarrow() {
    return countTree(NARROW);
  }

  @Benchmark
  public int scanNarrow() {
    return countScan(NARROW);
  }

  @Benchmark
  public int treeBroad() {
    return countTree(BROAD);
  }

  @Benchmark
  public int scanBroad() {
    return countScan(BROAD);
  }

  private int countTree(String filter) {
    int[] n = new int[1];
    tree.forEachMatching(filter, m -> n[0]++);
    return n[0];
  }

  /** What InMemoryRetainedStore did before the tree: every retained message through the matcher. */
  private int countScan(String filter) {
    int n = 0;
    for (Message m : map.values()) {
      if (Topics.matches(filter, m.topic())) n++;
    }
    return n;
  }
}
