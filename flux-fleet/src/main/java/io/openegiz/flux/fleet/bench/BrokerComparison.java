package io.openegiz.flux.fleet.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Runs one scenario against several brokers in turn, each as its own process on a fresh loopback
 * port, so that the figures come from the same run on the same machine.
 */
public final class BrokerComparison {
  private final BenchConfig scenario;
  private final Path workDir;
  private final Consumer<String> log;
  private final BiConsumer<String, Sample> progress;

  public BrokerComparison(BenchConfig scenario, Path workDir, Consumer<String> log,
      BiConsumer<String, Sample> progress) {
    this.scenario = scenario;
    this.workDir = workDir;
    this.log = log;
    this.progress = progress;
  }

  /** Starts, measures and stops each broker; the first is the baseline of the ratios. */
  public ComparisonResult run(List<BrokerUnderTest> brokers) throws IOException, InterruptedException {
    Files.createDirectories(workDir);
    List<BenchReport> reports = new ArrayList<>();
    for (BrokerUnderTest b : brokers) {
      reports.add(runOne(b));
    }
    return new ComparisonResult(reports, Machine.describe());
  }

  private BenchReport runOne(BrokerUnderTest b) throws IOException, InterruptedException {
    int port = BrokerProcess.freeLoopbackPort();
    Path conf = workDir.resolve(b.name() + ".conf");
    Path brokerLog = workDir.resolve(b.name() + ".log");
    Files.writeString(conf, b.configForPort().apply(port));
    log.accept("starting " + b.name() + ": " + String.join(" ", b.command().apply(conf)) + " (log " + brokerLog + ")");
    try (BrokerProcess process = BrokerProcess.start(b.name(), b.command().apply(conf), brokerLog,
        scenario.host(), port)) {
      log.accept(process + " listening on " + scenario.host() + ":" + port);
      BenchReport report = new FanInScenario(scenario.withPort(port), b.name(), s -> progress.accept(b.name(), s))
          .run();
      log.accept(report.text());
      return report;
    }
  }
}
