package io.openegiz.flux.cli;

import io.openegiz.flux.fleet.bench.BenchConfig;
import io.openegiz.flux.fleet.bench.BenchTls;
import io.openegiz.flux.fleet.bench.BrokerUnderTest;
import io.openegiz.flux.fleet.bench.ComparisonResult;
import io.openegiz.flux.fleet.bench.FleetAccess;
import io.openegiz.flux.fleet.bench.Identities;
import io.openegiz.flux.fleet.bench.Ladder;
import io.openegiz.flux.fleet.bench.LadderResult;
import io.openegiz.flux.fleet.bench.MqttVersion;
import io.openegiz.flux.fleet.bench.TopicPlan;
import io.netty.handler.ssl.SslContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code flux bench fleet}: the spec's sensor fleet, C publishers at R Hz each, two wildcard subscribers. */
@Command(name = "fleet", mixinStandardHelpOptions = true,
    description = {"Starts Flux (and Mosquitto with --compare) on 127.0.0.1; --connections sensors each publish",
        "QoS 1 at --rate Hz to openegiz/factory-a/{type}/{id}/{sensor}/telemetry with 300-500 B JSON-like",
        "payloads; two subscribers take openegiz/# and openegiz/+/+/+/+/telemetry. Open loop: latency counts",
        "from each message's scheduled time.",
        "With --rates (or --tls, --acl, --max-publish-rate) it runs the ladder: every rate in turn against each",
        "broker, started afresh for every step, and prints per rate p99, p99.9, resident memory and CPU per",
        "message of each broker and the generator's CPU, and the highest clean rate (0 lost, p99 < 50 ms,",
        ">= 98 %% of offered x subscribers delivered); JSON and HTML as OUT/ladder.json and OUT/ladder.html."})
final class BenchFleet implements Callable<Integer> {
  @Spec
  CommandSpec spec;
  @Mixin
  BrokerOptions brokers;
  @Option(names = "--connections", defaultValue = "1000",
      description = "Publisher connections (default: ${DEFAULT-VALUE}).")
  int connections;
  @Option(names = "--rate", defaultValue = "1",
      description = "Messages per second per connection (default: ${DEFAULT-VALUE}).")
  double rate;
  @Option(names = "--rates", split = ",", paramLabel = "HZ",
      description = "The ladder: per-connection rates run in turn, e.g. 0.5,1,1.5,2 (overrides --rate).")
  List<Double> rates;
  @Option(names = "--tls", description = "Both brokers on a TLS 1.3 listener (generated CA); sensors connect over TLS.")
  boolean tls;
  @Option(names = "--client-certs",
      description = "Each sensor presents its own certificate (CN sensor-N) as its identity; implies --tls.")
  boolean clientCerts;
  @Option(names = "--acl", description = {"Both brokers with allow_anonymous false, an acl_file in which sensor N",
      "writes only its own topics and the subscribers (egizcore, archiver) read openegiz/#, and (without",
      "--client-certs) a password_file, the one bench password hashed by --mosquitto-passwd."})
  boolean acl;
  @Option(names = "--mosquitto-passwd", defaultValue = "/usr/bin/mosquitto_passwd",
      description = "Hashes the one bench password for --acl (default: ${DEFAULT-VALUE}).")
  String mosquittoPasswd;
  @Option(names = "--max-publish-rate", paramLabel = "N",
      description = "Flux's max_publish_rate per client (default: 0, no limit); Mosquitto has no such limit.")
  Integer maxPublishRate;
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
    BenchConfig config;
    try {
      config = new BenchConfig("127.0.0.1", 1, connections, 2, qos, 400, total, Duration.ofSeconds(duration),
          Duration.ofSeconds(warmup), MqttVersion.parse(mqtt), window, ioThreads, "openegiz", Duration.ofSeconds(15),
          BenchConfig.WindowScope.ACK);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    if (rates != null && rates.stream().anyMatch(hz -> !(hz > 0))) {
      throw new ParameterException(spec.commandLine(),
          "--rates: every rate must be a number of messages a second per sensor above 0, e.g. 0.5,1,1.5,2; not "
              + rates);
    }
    if (rates != null || tls || clientCerts || acl || maxPublishRate != null) {
      return ladder(config);
    }
    ComparisonResult result = FanInRuns.run("fleet", brokers, config, TopicPlan.fleet());
    return result.reports().stream().allMatch(r -> qos == 0 || r.lossless()) ? 0 : 1;
  }

  private int ladder(BenchConfig config) throws Exception {
    List<Double> hz = rates != null ? rates : List.of(rate);
    Ladder ladder = new Ladder(config, TopicPlan.fleet(), hz, brokers.out, System.err::println,
        (name, s) -> System.err.println(BenchCommand.progressLine(name, s)));
    String extra = "";
    Identities clients = Identities.none();
    if (tls || clientCerts) {
      BenchTls material = BenchTls.generate(brokers.out.resolve("tls"));
      extra += material.listenerConfig(clientCerts);
      clients = clientCerts ? certificates(material) : sharedContext(material.clientContext(false));
    }
    if (acl) {
      Path aclFile = FleetAccess.writeAcl(brokers.out.resolve("acl.conf").toAbsolutePath(), TopicPlan.fleet(),
          connections);
      extra += "acl_file " + aclFile + "\n";
      if (!clientCerts) {
        Path passwd = FleetAccess.writePasswords(brokers.out.resolve("passwd").toAbsolutePath(), mosquittoPasswd,
            connections);
        extra += "password_file " + passwd + "\n";
        clients = FleetAccess.logins(clients);
      }
    }
    String added = extra;
    List<BrokerUnderTest> list = new ArrayList<>();
    for (BrokerUnderTest b : brokers.brokers()) {
      boolean flux = b.name().startsWith("flux");
      String rateLimit = flux && maxPublishRate != null
          ? "max_publish_rate " + maxPublishRate + "\n"
          : BrokerLaunchOptions.NO_RATE_LIMIT;
      list.add(b.withConfig(c -> (acl ? c.replace("allow_anonymous true\n", "allow_anonymous false\n") : c)
          .replace(BrokerLaunchOptions.NO_RATE_LIMIT, rateLimit) + added));
    }
    LadderResult result = ladder.secured(clients).run(list, shape(config));
    System.out.println(result.machine());
    System.out.print(result.summary());
    System.out.print(result.table());
    result.writeJson(brokers.json("ladder"));
    result.writeHtml(brokers.html("ladder"));
    System.out.println("results written to " + brokers.json("ladder") + " and " + brokers.html("ladder"));
    return 0;
  }

  private static Identities sharedContext(SslContext context) {
    return new Identities(i -> context, i -> null, i -> context, i -> null);
  }

  /** One certificate per sensor and per subscriber, issued before the first step and reused by every step. */
  private Identities certificates(BenchTls material) throws java.io.IOException {
    List<SslContext> sensors = new ArrayList<>(connections);
    long t0 = System.nanoTime();
    for (int i = 0; i < connections; i++) {
      sensors.add(material.clientContext(FleetAccess.sensor(i)));
      if ((i + 1) % 1_000 == 0) {
        System.err.printf(Locale.ROOT, "issued %,d of %,d sensor certificates (%d s)%n", i + 1, connections,
            (System.nanoTime() - t0) / 1_000_000_000L);
      }
    }
    List<SslContext> services = List.of(material.clientContext(FleetAccess.service(0)),
        material.clientContext(FleetAccess.service(1)));
    return new Identities(sensors::get, i -> null, i -> services.get(Math.min(i, 1)), i -> null);
  }

  private String shape(BenchConfig c) {
    return String.format(Locale.ROOT, "%,d sensors QoS %d -> 2 subscribers, 300-500 B, MQTT %s, max_inflight %d,"
        + " max_queued %d, %s%s%s, Flux max_publish_rate %s; every step a fresh broker, %d s warm-up, %d s measured",
        c.publishers(), c.qos(), c.version().label(), brokers.maxInflight, brokers.maxQueued,
        clientCerts ? "TLS 1.3 with client certificates" : tls ? "TLS 1.3" : "plain TCP",
        acl ? (clientCerts ? ", ACL" : ", passwords + ACL") : "", brokers.persistence ? ", Flux persistence true" : "",
        maxPublishRate == null ? "0 (off)" : maxPublishRate, c.warmup().toSeconds(), c.duration().toSeconds());
  }
}
