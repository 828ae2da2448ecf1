package io.openegiz.flux.cli;

import io.openegiz.flux.fleet.bench.BrokerUnderTest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options of the bench scenarios that start the brokers themselves: Flux always, Mosquitto with --compare. */
final class BrokerOptions {
  @Option(names = "--compare", description = "Also run the scenario against Mosquitto, after Flux.")
  boolean compare;
  @Option(names = "--mosquitto", defaultValue = "/usr/sbin/mosquitto",
      description = "Mosquitto executable (default: ${DEFAULT-VALUE}).")
  String mosquitto;
  @Option(names = "--max-inflight", defaultValue = "100",
      description = "max_inflight_messages for both brokers (default: ${DEFAULT-VALUE}).")
  int maxInflight;
  @Option(names = "--max-queued", defaultValue = "1000",
      description = "max_queued_messages for both brokers (default: ${DEFAULT-VALUE}).")
  int maxQueued;
  @Option(names = "--broker-java-opts", defaultValue = "",
      description = "Extra JVM options of the Flux broker process.")
  String brokerJavaOpts;
  @Option(names = "--out", defaultValue = "bench-results",
      description = "Folder for configs, certificates, broker logs, JSON and HTML (default: ${DEFAULT-VALUE}).")
  Path out;
  @Option(names = "--json", paramLabel = "FILE", description = "JSON results (default: OUT/SCENARIO.json).")
  Path json;
  @Option(names = "--html", paramLabel = "FILE", description = "HTML page with charts (default: OUT/SCENARIO.html).")
  Path html;
  @Option(names = "--persistence", description = {"Flux with persistence true (store in OUT/flux-store, kept across",
      "the broker restarts of a scenario, emptied when the scenario starts)."})
  boolean persistence;

  /**
   * Flux limits each client to 100 publishes a second by default (max_publish_rate, a Flux-only key);
   * a capacity benchmark must measure the broker, not that limit, and Mosquitto has no such limit.
   */
  static final String NO_RATE_LIMIT = "max_publish_rate 0\n";

  /** Flux first (the baseline of the ratios), then Mosquitto if asked. */
  List<BrokerUnderTest> brokers() throws java.io.IOException {
    List<BrokerUnderTest> brokers = new ArrayList<>();
    String store = "";
    if (persistence) {
      Path dir = out.toAbsolutePath().resolve("flux-store");
      BenchCommand.deleteTree(dir);
      store = "persistence true\npersistence_location " + dir + "\n";
    }
    String durable = store;
    brokers.add(new BrokerUnderTest(persistence ? "flux-durable" : "flux",
        p -> BrokerUnderTest.commonConfig(p, maxInflight, maxQueued).replace("persistence false\n", durable)
            + NO_RATE_LIMIT,
        conf -> BenchCommand.fluxCommand(brokerJavaOpts, conf)));
    if (compare) {
      brokers.add(BrokerUnderTest.mosquitto(mosquitto, maxInflight, maxQueued));
    }
    return brokers;
  }

  Path json(String scenario) {
    return json != null ? json : out.resolve(scenario + ".json");
  }

  Path html(String scenario) {
    return html != null ? html : out.resolve(scenario + ".html");
  }
}
