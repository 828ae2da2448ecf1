package io.openegiz.flux.cli;

import io.openegiz.flux.fleet.bench.BrokerUnderTest;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Options of every bench command that starts the brokers itself ({@code compare} and the scenarios of
 * {@link BrokerOptions}), and the one place that turns them into a Flux broker process.
 */
class BrokerLaunchOptions {
  /**
   * Flux limits each client to 100 publishes a second by default (max_publish_rate, a Flux-only key);
   * a capacity benchmark must measure the broker, not that limit, and Mosquitto has no such limit.
   */
  static final String NO_RATE_LIMIT = "max_publish_rate 0\n";
  /** The load generator opens thousands of connections from loopback at once; Mosquitto has no such cap. */
  static final String LOCAL_LOAD = "auth_exempt_loopback true\n";

  @Option(names = "--mosquitto", defaultValue = "/usr/sbin/mosquitto",
      description = "Mosquitto executable (default: ${DEFAULT-VALUE}).")
  String mosquitto;
  @Option(names = "--max-inflight", defaultValue = "100",
      description = "max_inflight_messages for both brokers (default: ${DEFAULT-VALUE}).")
  int maxInflight;
  @Option(names = "--broker-java-opts", defaultValue = "",
      description = "Extra JVM options of the Flux broker process, e.g. -XX:StartFlightRecording=...")
  String brokerJavaOpts;
  @Option(names = "--out", defaultValue = "bench-results",
      description = "Folder for configs, certificates, broker logs, JSON and HTML (default: ${DEFAULT-VALUE}).")
  Path out;
  @Option(names = "--json", paramLabel = "FILE", description = "JSON results (default: OUT/SCENARIO.json).")
  Path json;
  @Option(names = "--html", paramLabel = "FILE", description = "HTML page with charts (default: OUT/SCENARIO.html).")
  Path html;

  Path json(String scenario) {
    return json != null ? json : out.resolve(scenario + ".json");
  }

  Path html(String scenario) {
    return html != null ? html : out.resolve(scenario + ".html");
  }

  /**
   * Flux as a separate JVM ({@code flux broker -c CONF}) without the publish-rate limit; with
   * {@code durable}, {@code persistence true} on a store in OUT/flux-store that is emptied first.
   */
  BrokerUnderTest flux(String name, int maxQueued, boolean durable) throws IOException {
    String store = "";
    if (durable) {
      Path dir = out.toAbsolutePath().resolve("flux-store");
      BenchCommand.deleteTree(dir); // a fresh store: recovery time is not what this measures
      store = "persistence true\npersistence_location " + dir + "\n";
    }
    String persistence = store;
    return new BrokerUnderTest(name,
        p -> BrokerUnderTest.commonConfig(p, maxInflight, maxQueued).replace("persistence false\n", persistence)
            + NO_RATE_LIMIT + LOCAL_LOAD,
        conf -> BenchCommand.fluxCommand(brokerJavaOpts, conf));
  }
}
