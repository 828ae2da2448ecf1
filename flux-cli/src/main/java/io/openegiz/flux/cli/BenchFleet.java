package io.openegiz.flux.cli;

import io.openegiz.flux.fleet.bench.BenchConfig;
import io.openegiz.flux.fleet.bench.ComparisonResult;
import io.openegiz.flux.fleet.bench.MqttVersion;
import io.openegiz.flux.fleet.bench.TopicPlan;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code flux bench fleet}: the spec's sensor fleet, C publishers at R Hz each, two wildcard subscribers. */
@Command(name = "fleet", mixinStandardHelpOptions = true,
    description = {"Starts Flux (and Mosquitto with --compare) on 127.0.0.1; --connections sensors each publish",
        "QoS 1 at --rate Hz to openegiz/factory-a/{type}/{id}/{sensor}/telemetry with 300-500 B JSON-like",
        "payloads; two subscribers take openegiz/# and openegiz/+/+/+/+/telemetry. Open loop: latency counts",
        "from each message's scheduled time."})
final class BenchFleet implements Callable<Integer> {
  @Mixin
  BrokerOptions brokers;
  @Option(names = "--connections", defaultValue = "1000",
      description = "Publisher connections (default: ${DEFAULT-VALUE}).")
  int connections;
  @Option(names = "--rate", defaultValue = "1",
      description = "Messages per second per connection (default: ${DEFAULT-VALUE}).")
  double rate;
  @Option(names = "--duration", defaultValue = "30", description = "Measured seconds (default: ${DEFAULT-VALUE}).")
  int duration;
  @Option(names = "--warmup", defaultValue = "5", description = "Warm-up seconds (default: ${DEFAULT-VALUE}).")
  int warmup;
  @Option(names = "--qos", defaultValue = "1", description = "0, 1 or 2 (default: ${DEFAULT-VALUE}).")
  int qos;
  @Option(names = "--mqtt", defaultValue = "3.1.1", description = "3.1.1 or 5 (default: ${DEFAULT-VALUE}).")
  String mqtt;
  @Option(names = "--window", defaultValue = "100",
      description = "Unacknowledged messages per connection (default: ${DEFAULT-VALUE}).")
  int window;
  @Option(names = "--io-threads", defaultValue = "1",
      description = "Event loop threads of the load generator (default: ${DEFAULT-VALUE}).")
  int ioThreads;

  @Override
  public Integer call() throws Exception {
    long total = Math.max(1, Math.round(connections * rate));
    BenchConfig config = new BenchConfig("127.0.0.1", 1, connections, 2, qos, 400, total,
        Duration.ofSeconds(duration), Duration.ofSeconds(warmup), MqttVersion.parse(mqtt), window, ioThreads,
        "openegiz", Duration.ofSeconds(15), BenchConfig.WindowScope.ACK);
    ComparisonResult result = FanInRuns.run("fleet", brokers, config, TopicPlan.fleet());
    return result.reports().stream().allMatch(r -> qos == 0 || r.lossless()) ? 0 : 1;
  }
}
