package io.openegiz.flux.cli;

import io.openegiz.flux.fleet.bench.BenchTls;
import io.openegiz.flux.fleet.bench.BrokerUnderTest;
import io.openegiz.flux.fleet.bench.LatencySummary;
import io.openegiz.flux.fleet.bench.LaunchedBroker;
import io.openegiz.flux.fleet.bench.Machine;
import io.openegiz.flux.fleet.bench.MqttVersion;
import io.openegiz.flux.fleet.bench.TlsConnectConfig;
import io.openegiz.flux.fleet.bench.TlsConnectReport;
import io.openegiz.flux.fleet.bench.TlsConnectScenario;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code flux bench tls-connect}: TLS 1.3 handshake + CONNACK time per client (NFR-6). */
@Command(name = "tls-connect", mixinStandardHelpOptions = true,
    description = {"Generates an ECDSA P-256 CA and server certificate, starts Flux (and Mosquitto with --compare)",
        "with a TLS 1.3 listener on 127.0.0.1, and times TLS handshake + CONNACK per client: first --sequential",
        "clients one at a time, then --clients with --concurrency in progress at once."})
final class BenchTlsConnect implements Callable<Integer> {
  @Mixin
  BrokerOptions brokers;
  @Option(names = "--clients", defaultValue = "1000", description = "Clients of the burst (default: ${DEFAULT-VALUE}).")
  int clients;
  @Option(names = "--concurrency", description = "Connects in progress at once (default: all clients).")
  Integer concurrency;
  @Option(names = "--sequential", defaultValue = "200",
      description = "Clients connected one at a time first (default: ${DEFAULT-VALUE}).")
  int sequential;
  @Option(names = "--client-certs",
      description = "Clients present a certificate (require_certificate, use_identity_as_username).")
  boolean clientCerts;
  @Option(names = "--mqtt", defaultValue = "3.1.1", description = "3.1.1 or 5 (default: ${DEFAULT-VALUE}).")
  String mqtt;
  @Option(names = "--io-threads", defaultValue = "1",
      description = "Event loop threads of the load generator (default: ${DEFAULT-VALUE}).")
  int ioThreads;

  @Override
  public Integer call() throws Exception {
    BenchTls tls = BenchTls.generate(brokers.out.resolve("tls"));
    TlsConnectConfig config = new TlsConnectConfig("127.0.0.1", 1, clients, concurrency == null ? clients : concurrency,
        sequential, clientCerts, MqttVersion.parse(mqtt), ioThreads);
    List<TlsConnectReport> reports = new ArrayList<>();
    for (BrokerUnderTest b : brokers.brokers()) {
      try (LaunchedBroker broker = LaunchedBroker.start(b, tls.listenerConfig(clientCerts), brokers.out,
          config.host(), System.err::println)) {
        TlsConnectReport r = new TlsConnectScenario(config.withPort(broker.port()), tls.clientContext(clientCerts),
            b.name(),
            s -> System.err.println(String.format(Locale.ROOT, "[%s] %3d s %-10s connected %,7d  failed %,5d  p99 %s",
                b.name(), s.second(), s.phase(), s.connected(), s.failed(),
                LatencySummary.formatMillis(s.p99Micros()))))
            .run();
        System.out.print(r.text());
        reports.add(r);
      }
    }
    System.out.println(Machine.describe());
    System.out.print(TlsConnectReport.table(reports));
    TlsConnectReport.write(reports, Machine.describe(), brokers.json("tls-connect"), brokers.html("tls-connect"));
    System.out.println("results written to " + brokers.json("tls-connect") + " and " + brokers.html("tls-connect"));
    return reports.stream().allMatch(TlsConnectReport::allConnected) ? 0 : 1;
  }
}
