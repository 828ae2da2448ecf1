package io.openegiz.flux.cli;

import io.openegiz.flux.fleet.bench.BrokerUnderTest;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Options of the bench scenarios that start the brokers themselves: Flux always, Mosquitto with
 * --compare.
 */
final class BrokerOptions extends BrokerLaunchOptions {
  @Option(names = "--compare", description = "Also run the scenario against Mosquitto, after Flux.")
  boolean compare;
  @Option(names = "--max-queued", defaultValue = "1000",
      description = "max_queued_messages for both brokers (default: ${DEFAULT-VALUE}).")
  int maxQueued;
  @Option(names = "--persistence", description = {"Flux with persistence true (store in OUT/flux-store, kept across",
      "the broker restarts of a scenario, emptied when the scenario starts)."})
  boolean persistence;

  /** Flux first (the baseline of the ratios), then Mosquitto if asked. */
  List<BrokerUnderTest> brokers() throws java.io.IOException {
    List<BrokerUnderTest> brokers = new ArrayList<>();
    brokers.add(flux(persistence ? "flux-durable" : "flux", maxQueued, persistence));
    if (compare) {
      brokers.add(BrokerUnderTest.mosquitto(mosquitto, maxInflight, maxQueued));
    }
    return brokers;
  }
}
