package io.openegiz.flux.cli;

import io.openegiz.flux.fleet.bench.BenchConfig;
import io.openegiz.flux.fleet.bench.BenchReport;
import io.openegiz.flux.fleet.bench.BenchReports;
import io.openegiz.flux.fleet.bench.BrokerComparison;
import io.openegiz.flux.fleet.bench.BrokerUnderTest;
import io.openegiz.flux.fleet.bench.ComparisonResult;
import io.openegiz.flux.fleet.bench.FanInScenario;
import io.openegiz.flux.fleet.bench.MqttVersion;
import io.openegiz.flux.fleet.bench.Sample;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code flux bench}: load scenarios against an MQTT broker, and a side-by-side run against Mosquitto. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Measures MQTT broker throughput, loss and latency with a lean Netty load generator.",
    subcommands = {BenchCommand.FanIn.class, BenchCommand.Compare.class, BenchTlsConnect.class,
        BenchReconnectStorm.class, BenchFleet.class, BenchOverload.class, BenchArchive.class})
final class BenchCommand {

  /** The scenario options shared by fan-in and compare. */
  static final class Scenario {
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Broker host (default: ${DEFAULT-VALUE}).")
    String host;
    @Option(names = "--publishers", defaultValue = "10",
        description = "Publisher connections (default: ${DEFAULT-VALUE}).")
    int publishers;
    @Option(names = "--subscribers", defaultValue = "1",
        description = "Subscriber connections (default: ${DEFAULT-VALUE}).")
    int subscribers;
    @Option(names = "--qos", defaultValue = "1", description = "0, 1 or 2 (default: ${DEFAULT-VALUE}).")
    int qos;
    @Option(names = "--payload", defaultValue = "256",
        description = "Payload bytes, at least 20 (default: ${DEFAULT-VALUE}).")
    int payload;
    @Option(names = "--rate", defaultValue = "0",
        description = "Total msg/s offered by all publishers; 0 = as fast as the window allows"
            + " (default: ${DEFAULT-VALUE}).")
    long rate;
    @Option(names = "--window", defaultValue = "100",
        description = "Unacknowledged QoS 1/2 messages per publisher (default: ${DEFAULT-VALUE}).")
    int window;
    @Option(names = "--duration", defaultValue = "20", description = "Measured seconds (default: ${DEFAULT-VALUE}).")
    int duration;
    @Option(names = "--warmup", defaultValue = "5",
        description = "Warm-up seconds, not measured (default: ${DEFAULT-VALUE}).")
    int warmup;
    @Option(names = "--mqtt", defaultValue = "3.1.1", description = "3.1.1 or 5 (default: ${DEFAULT-VALUE}).")
    String mqtt;
    @Option(names = "--io-threads", defaultValue = "1",
        description = "Event loop threads of the load generator (default: ${DEFAULT-VALUE}).")
    int ioThreads;
    @Option(names = "--window-scope", defaultValue = "delivery",
        description = {"What the window counts: delivery = messages not yet delivered to the subscribers (end-to-end",
            "closed loop, finds the sustainable rate); ack = not yet PUBACKed, as an MQTT client does (publishers",
            "can outrun the subscribers; brokers queue, then drop). Default: ${DEFAULT-VALUE}."})
    String windowScope;

    BenchConfig config(int port) {
      return new BenchConfig(host, port, publishers, subscribers, qos, payload, rate, Duration.ofSeconds(duration),
          Duration.ofSeconds(warmup), MqttVersion.parse(mqtt), window, ioThreads, "flux-bench", Duration.ofSeconds(15),
          BenchConfig.WindowScope.valueOf(windowScope.toUpperCase(Locale.ROOT)));
    }
  }

  /** {@code flux bench fan-in}: P publishers to S subscribers against a running broker. */
  @Command(name = "fan-in", mixinStandardHelpOptions = true,
      description = "P publishers publish to their own topics; S subscribers take them all. Prints each second.")
  static final class FanIn implements Callable<Integer> {
    @Mixin
    Scenario scenario;
    @Option(names = "--port", defaultValue = "1883", description = "Broker port (default: ${DEFAULT-VALUE}).")
    int port;
    @Option(names = "--json", paramLabel = "FILE", description = "Also write the report as JSON.")
    Path json;

    @Override
    public Integer call() throws Exception {
      BenchReport report = new FanInScenario(scenario.config(port), scenario.host + ":" + port,
          s -> System.out.println(progressLine("", s))).run();
      System.out.print(report.text());
      if (json != null) {
        BenchReports.writeJson(report, json);
        System.out.println("report written to " + json);
      }
      return report.config().qos() > 0 && !report.lossless() ? 1 : 0;
    }
  }

  /** {@code flux bench compare}: the same scenario against Mosquitto, then Flux, each its own process. */
  @Command(name = "compare", mixinStandardHelpOptions = true,
      description = {"Starts Mosquitto, runs fan-in against it, stops it; then the same with Flux (./flux broker)",
          "as a separate JVM. Prints a side-by-side table and writes JSON and an HTML page with charts."})
  static final class Compare implements Callable<Integer> {
    @Mixin
    Scenario scenario;
    @Mixin
    BrokerLaunchOptions launch;
    @Option(names = "--max-queued", defaultValue = "100000",
        description = "max_queued_messages for both brokers (default: ${DEFAULT-VALUE}).")
    int maxQueued;
    @Option(names = "--with-persistence", description = {"Also run Flux with persistence true (a fresh store in",
        "OUT/flux-store, group commit): QoS 1/2 acknowledged only once on disk."})
    boolean withPersistence;

    @Override
    public Integer call() throws Exception {
      List<BrokerUnderTest> brokers = new ArrayList<>(List.of(
          BrokerUnderTest.mosquitto(launch.mosquitto, launch.maxInflight, maxQueued),
          launch.flux("flux", maxQueued, false)));
      if (withPersistence) {
        brokers.add(launch.flux("flux-durable", maxQueued, true));
      }
      ComparisonResult result = new BrokerComparison(scenario.config(1883), launch.out, System.out::println,
          (name, s) -> System.out.println(progressLine(name, s))).run(brokers);
      System.out.println(result.machine());
      System.out.print(result.table());
      System.out.print(launch.scrapeSummary());
      Path jsonFile = launch.json("compare");
      Path htmlFile = launch.html("compare");
      result.writeJson(jsonFile);
      result.writeHtml(htmlFile);
      System.out.println("results written to " + jsonFile + " and " + htmlFile);
      return result.reports().stream().anyMatch(r -> r.config().qos() > 0 && !r.lossless()) ? 1 : 0;
    }
  }

  static void deleteTree(Path dir) throws java.io.IOException {
    if (java.nio.file.Files.exists(dir)) {
      try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(dir)) {
        for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          java.nio.file.Files.delete(f);
        }
      }
    }
  }

  /**
   * {@code flux broker -c CONF} as ./flux runs it: through the launcher (with its JVM defaults, and
   * {@code brokerJavaOpts} as FLUX_JAVA_OPTS) when this command was started by it, else with the same JVM and class
   * path as this command (tests).
   */
  static List<String> fluxCommand(String brokerJavaOpts, Path conf) {
    String launcher = System.getenv("FLUX_LAUNCHER");
    if (launcher != null && !launcher.isBlank()) {
      return List.of("env", "FLUX_JAVA_OPTS=" + brokerJavaOpts.trim(), launcher, "broker", "-c", conf.toString());
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("--enable-native-access=ALL-UNNAMED");
    for (String opt : brokerJavaOpts.trim().split("\\s+")) {
      if (!opt.isEmpty()) {
        cmd.add(opt);
      }
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), FluxCommand.class.getName(), "broker", "-c",
        conf.toString()));
    return cmd;
  }

  static String progressLine(String broker, Sample s) {
    return String.format(Locale.ROOT, "%s%3d s %-7s sent %,8d/s  acked %,8d/s  delivered %,8d/s  p50 %s  p99 %s",
        broker.isEmpty() ? "" : "[" + broker + "] ", s.second(), s.warmup() ? "warm-up" : "", s.sent(), s.acked(),
        s.delivered(), fmt(s.p50Micros()), fmt(s.p99Micros()));
  }

  private static String fmt(long micros) {
    return io.openegiz.flux.fleet.bench.LatencySummary.formatMillis(micros);
  }
}
