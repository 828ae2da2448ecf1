package io.openegiz.flux.cli;

import io.openegiz.flux.fleet.bench.BrokerUnderTest;
import io.openegiz.flux.fleet.bench.FileLimits;
import io.openegiz.flux.fleet.bench.LaunchedBroker;
import io.openegiz.flux.fleet.bench.Machine;
import io.openegiz.flux.fleet.bench.MqttVersion;
import io.openegiz.flux.fleet.bench.ReconnectStormReport;
import io.openegiz.flux.fleet.bench.ReconnectStormScenario;
import io.openegiz.flux.fleet.bench.StormConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code flux bench reconnect-storm}: kill -9 the broker under N clients and time their return (NFR-3). */
@Command(name = "reconnect-storm", mixinStandardHelpOptions = true,
    description = {"Starts Flux (and Mosquitto with --compare) on 127.0.0.1, connects --clients with clean session",
        "false, each subscribed at QoS 1 to its own topic; kills the broker with SIGKILL, starts it again on the",
        "same port and times until all clients are reconnected and each has had one message delivered again.",
        "Clients back off 0-1 s, then 0-2 s. Raise the open-file limit first: ulimit -n 65535."})
final class BenchReconnectStorm implements Callable<Integer> {
  @Mixin
  BrokerOptions brokers;
  @Option(names = "--clients", defaultValue = "10000", description = "Clients (default: ${DEFAULT-VALUE}).")
  int clients;
  @Option(names = "--connect-concurrency", defaultValue = "500",
      description = "CONNECTs outstanding at once while connecting the first time (default: ${DEFAULT-VALUE}).")
  int connectConcurrency;
  @Option(names = "--mqtt", defaultValue = "3.1.1", description = "3.1.1 or 5 (default: ${DEFAULT-VALUE}).")
  String mqtt;
  @Option(names = "--io-threads", defaultValue = "1",
      description = "Event loop threads of the load generator (default: ${DEFAULT-VALUE}).")
  int ioThreads;
  @Option(names = "--timeout", defaultValue = "60",
      description = "Seconds to wait for each phase (default: ${DEFAULT-VALUE}).")
  int timeout;

  @Override
  public Integer call() throws Exception {
    String warning = FileLimits.warning(clients);
    if (warning != null) {
      System.err.println("warning: " + warning);
    }
    StormConfig config = new StormConfig("127.0.0.1", 1, clients, MqttVersion.parse(mqtt), connectConcurrency,
        ioThreads, Duration.ofSeconds(timeout));
    List<ReconnectStormReport> reports = new ArrayList<>();
    for (BrokerUnderTest b : brokers.brokers()) {
      try (LaunchedBroker broker = LaunchedBroker.start(b, "", brokers.out, config.host(), System.err::println)) {
        ReconnectStormReport r = new ReconnectStormScenario(config.withPort(broker.port()), broker, b.name(),
            s -> System.err.println(String.format(Locale.ROOT,
                "[%s] %3d s %-9s connected now %,7d  since restart: connected %,7d  delivered %,7d", b.name(),
                s.second(), s.phase(), s.connectedNow(), s.connectedInEpoch(), s.deliveredInEpoch())))
            .run();
        System.out.print(r.text());
        reports.add(r);
      }
    }
    System.out.println(Machine.describe());
    System.out.print(ReconnectStormReport.table(reports));
    ReconnectStormReport.write(reports, Machine.describe(), brokers.json("reconnect-storm"),
        brokers.html("reconnect-storm"));
    System.out.println("results written to " + brokers.json("reconnect-storm") + " and "
        + brokers.html("reconnect-storm"));
    return reports.stream().allMatch(ReconnectStormReport::allBack) ? 0 : 1;
  }
}
