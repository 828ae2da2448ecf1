package io.openegiz.flux.cli;

import io.openegiz.flux.archiver.ArchiverConfig;
import io.openegiz.flux.archiver.Progress;
import io.openegiz.flux.archiver.Setting;
import io.openegiz.flux.broker.config.BrokerConfig;
import io.openegiz.flux.broker.config.ConfigException;
import io.openegiz.flux.broker.config.ConfigParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import sun.misc.Signal;

/** {@code flux up}: the broker, the archiver and the embedded QuestDB in one process, data under one directory. */
@Command(name = "up", mixinStandardHelpOptions = true,
    description = {"Runs the whole edge stack in one process until Ctrl-C or SIGTERM: the MQTT broker (persistent),",
        "the embedded QuestDB and the archiver that writes every OpenEgiz reading into it, acknowledging each",
        "message only once it is stored. All state lives under --data; a second `flux up` on it carries on.",
        "Without -c: MQTT on 127.0.0.1:1883, anonymous clients allowed. See docs/up.md."})
final class UpCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;
  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "Broker configuration (mosquitto.conf syntax, docs/configuration.md) for TLS, passwords, ACLs.")
  Path configFile;
  @Option(names = "--archive-config", paramLabel = "FILE",
      description = "Archiver settings (docs/archive.md), e.g. its username and password when -c requires them.")
  Path archiveConfig;
  @Option(names = "--data", paramLabel = "DIR", defaultValue = "flux-data",
      description = "Directory of all state: broker store, QuestDB, dead letters (default: ./${DEFAULT-VALUE}).")
  Path data;
  @Option(names = "--port", description = "MQTT port on 127.0.0.1 when there is no -c (default: 1883).")
  Integer port;
  @Option(names = "--http-port", paramLabel = "N",
      description = "The status page, /metrics and /health on 127.0.0.1:N when there is no -c (default: none;"
          + " with -c, its http_listener).")
  Integer httpPort;
  @Option(names = "--questdb-port", defaultValue = "9000",
      description = "QuestDB console, SQL and line protocol on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  int questdbPort;
  @Option(names = "--fleet", paramLabel = "N", defaultValue = "0",
      description = "Also run N simulated sensors (flux fleet) so that data flows at once (default: none).")
  int fleet;
  @Option(names = "--progress", negatable = true,
      description = "A progress line each second on stderr (default: when stderr is a terminal).")
  Boolean progress;
  /** The archiver's own listener when there is no -c, else 0. */
  private int archiverPort;

  @Override
  public Integer call() throws InterruptedException {
    if (fleet < 0) {
      throw new ParameterException(spec.commandLine(), "--fleet must be 0 or more simulated sensors, not " + fleet);
    }
    BrokerConfig config;
    List<Setting> archiverFile;
    try {
      config = brokerConfig();
      archiverFile = archiveConfig == null ? List.of() : ArchiverConfig.read(archiveConfig);
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      return 2;
    } catch (IOException e) {
      System.err.println("flux up: cannot read " + archiveConfig + ": " + e.getMessage());
      return 2;
    }
    CountDownLatch stop = new CountDownLatch(1);
    for (String name : new String[] {"INT", "TERM"}) {
      Signal.handle(new Signal(name), s -> stop.countDown());
    }
    EdgeStack stack;
    try {
      stack = EdgeStack.start(new EdgeStack.Plan(data, config,
          archiverPort == 0 ? null : "tcp://127.0.0.1:" + archiverPort, questdbPort, archiverFile, fleet,
          System.err));
    } catch (io.openegiz.flux.archiver.ConfigException e) {
      System.err.println(e.getMessage());
      return 2;
    } catch (RuntimeException e) {
      System.err.println("flux up: " + e.getMessage());
      return 1;
    }
    try {
      System.err.println(banner(stack));
      boolean show = progress != null ? progress : System.console() != null;
      Progress line = new Progress();
      while (!stop.await(show ? 1 : 10, TimeUnit.SECONDS)) {
        line.print(stack.archiver().metrics(), System.err);
      }
      System.err.println("flux up: stopping (fleet, archiver flush, broker, QuestDB)");
    } finally {
      stack.close();
    }
    System.err.println("flux up: stopped");
    return 0;
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port for the archiver's listener", e);
    }
  }

  private String banner(EdgeStack stack) {
    String console = stack.questdb().httpUrl().toString();
    return String.join(System.lineSeparator(),
        "flux up: running; Ctrl-C stops it. Data in " + data.toAbsolutePath().normalize(),
        "  MQTT             " + stack.mqtt(),
        "  QuestDB console  " + console + "  (SQL over HTTP: " + console + "/exec?query=...)",
        "  archiver         openegiz/# -> QuestDB, dead letters in " + data.resolve("dead-letters"),
        "  status page      " + stack.statusPage().orElse("none (--http-port N, or http_listener in -c)"),
        "  fleet            " + (fleet == 0
            ? "none (--fleet N starts simulated sensors)"
            : fleet
                + " simulated sensors"));
  }

  /**
   * The broker's configuration: without -c, the MQTT listener and a second loopback listener of the archiver's
   * own, whose clients may hold 10,000 messages in flight (the archiver acknowledges a batch at a time; the
   * devices' 100 would make it wait on every database round trip).
   */
  private BrokerConfig brokerConfig() throws ConfigException {
    if (configFile == null) {
      int p = port == null ? 1883 : port;
      if (p < 1 || p > 65_535) {
        throw new ParameterException(spec.commandLine(), "--port must be 1..65535, not " + p);
      }
      archiverPort = freePort();
      List<String> lines = new ArrayList<>(List.of("listener " + p + " 127.0.0.1",
          "listener " + archiverPort + " 127.0.0.1", "allow_anonymous true",
          "limits_for_listener " + archiverPort + " max_inflight_messages=10000 max_publish_rate=0"));
      if (httpPort != null) {
        lines.add("http_listener " + httpPort + " 127.0.0.1");
      }
      return ConfigParser.parse("flux up", lines).config();
    }
    if (port != null || httpPort != null) {
      throw new ParameterException(spec.commandLine(), (port != null ? "--port" : "--http-port")
          + " applies without -c only; with -c the listeners come from " + configFile);
    }
    ConfigParser.Result parsed = ConfigParser.parse(configFile);
    parsed.warnings().forEach(w -> System.err.println("warning: " + w));
    if (!parsed.config().persistence()) {
      System.err.println("flux up: persistence turned on (" + configFile + " has it off): the broker keeps what the"
          + " archiver has not yet written across a stop");
    }
    return parsed.config();
  }
}
