package io.openegiz.flux.cli;

import io.openegiz.flux.fleet.bench.BenchConfig;
import io.openegiz.flux.fleet.bench.MqttVersion;
import io.openegiz.flux.fleet.bench.TopicPlan;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code flux bench overload}: publishers far faster than one subscriber; how much is delivered, how much lost. */
@Command(name = "overload", mixinStandardHelpOptions = true,
    description = {"Starts Flux (and Mosquitto with --compare) on 127.0.0.1; --publishers publish QoS 1 to one",
        "subscriber as fast as PUBACKs allow (window scope ack, as an MQTT client does), far above what one",
        "subscriber can take. Reports delivered and lost messages: Flux pauses publishers when the subscriber's",
        "queue passes max_queued_messages; Mosquitto drops beyond it."})
final class BenchOverload implements Callable<Integer> {
  @Mixin
  BrokerOptions brokers;
  @Option(names = "--publishers", defaultValue = "10",
      description = "Publisher connections (default: ${DEFAULT-VALUE}).")
  int publishers;
  @Option(names = "--payload", defaultValue = "256", description = "Payload bytes (default: ${DEFAULT-VALUE}).")
  int payload;
  @Option(names = "--duration", defaultValue = "20", description = "Measured seconds (default: ${DEFAULT-VALUE}).")
  int duration;
  @Option(names = "--warmup", defaultValue = "5", description = "Warm-up seconds (default: ${DEFAULT-VALUE}).")
  int warmup;
  @Option(names = "--window", defaultValue = "100",
      description = "Unacknowledged messages per publisher (default: ${DEFAULT-VALUE}).")
  int window;
  @Option(names = "--mqtt", defaultValue = "3.1.1", description = "3.1.1 or 5 (default: ${DEFAULT-VALUE}).")
  String mqtt;

  @Override
  public Integer call() throws Exception {
    BenchConfig config = new BenchConfig("127.0.0.1", 1, publishers, 1, 1, payload, 0, Duration.ofSeconds(duration),
        Duration.ofSeconds(warmup), MqttVersion.parse(mqtt), window, 1, "flux-bench", Duration.ofSeconds(10),
        BenchConfig.WindowScope.ACK);
    FanInRuns.run("overload", brokers, config, TopicPlan.fanIn(config.topicPrefix(), payload));
    return 0; // loss is the measurement here, not a failure
  }
}
