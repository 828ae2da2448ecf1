package io.openegiz.flux.benchmarks;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.openegiz.flux.broker.metrics.CountingMetrics;
import io.openegiz.flux.broker.metrics.TopicRates;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * What the broker's metrics cost per message, from two threads as the two event loops of a two-core machine call
 * them: the counters of one PUBLISH in and its copy out with their PUBACKs, with and without per-topic rates and the
 * publish latency histogram. Topics are new String objects decoded from bytes per call, as the MQTT decoder makes them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(2)
public class MetricsPathBenchmark {
  private CountingMetrics plain;
  private CountingMetrics full;
  private final byte[] topic = "openegiz/factory-a/oven/oven-17/electrical/telemetry".getBytes(UTF_8);
  private CountingMetrics topics;
  private CountingMetrics latency;

  @Setup
  public void setup() {
    plain = new CountingMetrics(null, false);
    full = new CountingMetrics(new TopicRates(List.of(), true, 512), true);
    topics = new CountingMetrics(new TopicRates(List.of(), true, 512), false);
    latency = new CountingMetrics(null, true);
  }

  private static void message(CountingMetrics m, String topic) {
    m.packetReceived(3);
    m.messageReceived(topic, 1, 300);
    m.packetSent(4);
    m.packetSent(3);
    m.messageSent(topic, 1, 300);
    m.packetReceived(4);
  }

  @Benchmark
  public void countersOnly() {
    message(plain, new String(topic, UTF_8));
  }

  @Benchmark
  public void countersTopicsLatency() {
    message(full, new String(topic, UTF_8));
    full.publishLatency(1_234_567);
  }

  @Benchmark
  public void countersTopics() {
    message(topics, new String(topic, UTF_8));
  }

  @Benchmark
  public void countersLatency() {
    message(latency, new String(topic, UTF_8));
    latency.publishLatency(1_234_567);
  }

  @Benchmark
  public String baseline() {
    return new String(topic, UTF_8);
  }
}
