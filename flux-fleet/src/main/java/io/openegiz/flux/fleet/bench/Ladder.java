package io.openegiz.flux.fleet.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The capacity ladder of issue 13: one scenario at several per-sensor rates against each broker in
 * turn. Every step starts the broker afresh (no queue or garbage left by the step before, at the
 * price of connecting every sensor again) and measures its memory and CPU and the generator's.
 */
public final class Ladder {
  private final BenchConfig scenario;
  private final TopicPlan plan;
  private final List<Double> ratesHz;
  private final Path workDir;
  private final Consumer<String> log;
  private final BiConsumer<String, Sample> progress;
  private Identities identities = Identities.none();

  public Ladder(BenchConfig scenario, TopicPlan plan, List<Double> ratesHz, Path workDir, Consumer<String> log,
      BiConsumer<String, Sample> progress) {
    if (ratesHz.isEmpty() || ratesHz.stream().anyMatch(r -> !(r > 0))) {
      throw new IllegalArgumentException("rates must be one or more numbers > 0 (messages a second per sensor)");
    }
    this.scenario = scenario;
    this.plan = plan;
    this.ratesHz = List.copyOf(ratesHz);
    this.workDir = workDir;
    this.log = log;
    this.progress = progress;
  }

  /** How sensors and subscribers connect and log in (default: plain TCP, no credentials). */
  public Ladder secured(Identities clients) {
    this.identities = clients;
    return this;
  }

  /** Runs every rate against every broker, in order; {@code shape} describes the run in the reports. */
  public LadderResult run(List<BrokerUnderTest> brokers, String shape)
      throws IOException, InterruptedException {
    List<LadderResult.Rungs> all = new ArrayList<>();
    for (BrokerUnderTest b : brokers) {
      List<LadderStep> steps = new ArrayList<>();
      for (int i = 0; i < ratesHz.size(); i++) {
        steps.add(step(b, i));
      }
      all.add(new LadderResult.Rungs(b.name(), steps));
    }
    return new LadderResult(all, shape, Machine.describe());
  }

  private LadderStep step(BrokerUnderTest b, int index) throws IOException, InterruptedException {
    double hz = ratesHz.get(index);
    BenchConfig config = scenario.withRatePerPublisher(hz);
    log.accept(String.format(Locale.ROOT, "[%s] step %d/%d: %s Hz per sensor, %,d msg/s in: starting the broker",
        b.name(), index + 1, ratesHz.size(), hz, config.ratePerSecond()));
    Path dir = workDir.resolve(String.format(Locale.ROOT, "ladder-%s-%d", b.name(), index + 1));
    try (LaunchedBroker broker = LaunchedBroker.start(b, "", dir, config.host(), log)) {
      StepMeter meter = new StepMeter(broker.pid(), s -> progress.accept(b.name(), s));
      long t0 = System.nanoTime();
      BenchReport report = new FanInScenario(config.withPort(broker.port()), b.name(), meter, plan)
          .secured(identities)
          .onConnect(n -> log.accept(String.format(Locale.ROOT, "[%s] %,d of %,d sensors connected (%d s)",
              b.name(), n, config.publishers(), (System.nanoTime() - t0) / 1_000_000_000L)), () -> {
                meter.connected();
                log.accept(String.format(Locale.ROOT, "[%s] all %,d sensors connected in %d s; publishing",
                    b.name(), config.publishers(), (System.nanoTime() - t0) / 1_000_000_000L));
              })
          .run();
      LadderStep step = new LadderStep(hz, report, meter.resources());
      log.accept(report.text() + "  " + step.resources().describe());
      log.accept(String.format(Locale.ROOT, "[%s] step %d/%d: %s", b.name(), index + 1, ratesHz.size(),
          step.verdict()));
      return step;
    }
  }
}
