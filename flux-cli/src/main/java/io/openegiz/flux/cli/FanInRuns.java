package io.openegiz.flux.cli;

import io.openegiz.flux.fleet.bench.BenchConfig;
import io.openegiz.flux.fleet.bench.BenchReport;
import io.openegiz.flux.fleet.bench.BrokerUnderTest;
import io.openegiz.flux.fleet.bench.ComparisonResult;
import io.openegiz.flux.fleet.bench.FanInScenario;
import io.openegiz.flux.fleet.bench.LaunchedBroker;
import io.openegiz.flux.fleet.bench.Machine;
import io.openegiz.flux.fleet.bench.TopicPlan;
import java.util.ArrayList;
import java.util.List;

/** Runs a fan-in-shaped scenario (fleet, overload) against each broker of {@link BrokerOptions}. */
final class FanInRuns {
  private FanInRuns() {
  }

  static ComparisonResult run(String scenario, BrokerOptions brokers, BenchConfig config, TopicPlan plan)
      throws Exception {
    List<BenchReport> reports = new ArrayList<>();
    for (BrokerUnderTest b : brokers.brokers()) {
      try (LaunchedBroker broker = LaunchedBroker.start(b, "", brokers.out, config.host(), System.err::println)) {
        BenchReport r = new FanInScenario(config.withPort(broker.port()), b.name(),
            s -> System.err.println(BenchCommand.progressLine(b.name(), s)), plan).run();
        System.out.print(r.text());
        reports.add(r);
      }
    }
    ComparisonResult result = new ComparisonResult(reports, Machine.describe());
    System.out.println(result.machine());
    System.out.print(result.table());
    System.out.print(brokers.scrapeSummary());
    result.writeJson(brokers.json(scenario));
    result.writeHtml(brokers.html(scenario));
    System.out.println("results written to " + brokers.json(scenario) + " and " + brokers.html(scenario));
    return result;
  }
}
