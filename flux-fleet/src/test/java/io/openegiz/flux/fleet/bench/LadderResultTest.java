package io.openegiz.flux.fleet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The ladder's verdict per step, its summary, table, JSON and HTML, and the /proc readings behind them. */
class LadderResultTest {
  private static final BenchConfig FLEET = new BenchConfig("127.0.0.1", 1883, 1000, 2, 1, 400, 1000,
      Duration.ofSeconds(10), Duration.ofSeconds(2), MqttVersion.V3_1_1, 100, 1, "openegiz", Duration.ofSeconds(5),
      BenchConfig.WindowScope.ACK);
  private static final StepResources COST = new StepResources(100 * 1024, 150 * 1024, 200 * 1024, 500_000_000L,
      250_000_000L, 1_000_000_000L, 10_000);

  /** A step at {@code hz} with {@code offered} msg/s in, {@code delivered} msg/s out (both subscribers). */
  private static LadderStep step(double hz, long offered, long delivered, long lost, long p99Micros) {
    List<Sample> samples = List.of(new Sample(1, true, 1, 1, 1, 1, 0, 0, 0),
        new Sample(2, false, offered, offered, offered, delivered, 0, 0, 0));
    LatencySummary latency = new LatencySummary(delivered, p99Micros / 2, p99Micros / 2, p99Micros, p99Micros * 2,
        p99Micros * 3);
    Totals totals = new Totals(offered, offered, offered, delivered, 0, lost, lost > 0 ? 1 : 0, 0);
    BenchReport report = BenchReport.aggregate("b", FLEET.withRatePerPublisher(hz), samples, latency, totals, true);
    return new LadderStep(hz, report, COST);
  }

  @Test
  void aStepIsCleanOnlyWithNoLossP99Under50MsAndNinetyEightPercentDelivered() {
    assertThat(step(1, 1000, 2000, 0, 10_000).clean()).isTrue();
    assertThat(step(1, 1000, 1960, 0, 49_999).clean()).as("98 %% of offered x 2 subscribers, p99 just under")
        .isTrue();

    LadderStep lost = step(1, 1000, 2000, 1, 10_000);
    assertThat(lost.clean()).isFalse();
    assertThat(lost.verdict()).isEqualTo("lost 1");

    LadderStep slow = step(1, 1000, 2000, 0, 50_000);
    assertThat(slow.clean()).isFalse();
    assertThat(slow.verdict()).isEqualTo("p99 50.0 ms >= 50 ms");

    LadderStep behind = step(1, 1000, 1950, 0, 10_000);
    assertThat(behind.clean()).as("97.5 %% delivered").isFalse();
    assertThat(behind.verdict()).isEqualTo("delivered 97.5 % of offered x subscribers (< 98 %)");

    assertThat(step(1, 1000, 0, 0, 0).verdict()).as("nothing delivered: no latency at all")
        .isEqualTo("p99 none >= 50 ms; delivered 0.0 % of offered x subscribers (< 98 %)");
  }

  @Test
  void highestCleanRateIsTheFastestCleanStep() {
    LadderResult.Rungs rungs = new LadderResult.Rungs("flux", List.of(step(0.5, 500, 1000, 0, 1_000),
        step(1, 1000, 2000, 0, 2_000), step(1.5, 1500, 2000, 0, 90_000)));
    assertThat(rungs.highestCleanRate()).isEqualTo(1000);
    assertThat(new LadderResult.Rungs("none", List.of(step(1, 1000, 2000, 3, 1_000))).highestCleanRate()).isZero();
  }

  @Test
  void tableHasARowPerRateAColumnGroupPerBrokerAndTheHighestCleanRate() {
    LadderResult result = result();
    String[] lines = result.table().split(System.lineSeparator());
    assertThat(lines).hasSize(5); // header, separator, two rates, highest clean rate
    assertThat(lines[0]).contains("mosquitto p99", "mosquitto p99.9", "mosquitto RSS mean/peak MB",
        "mosquitto CPU % / us/msg", "flux p99", "flux generator CPU %", "flux verdict");
    assertThat(lines[2]).startsWith("| 1 Hz | 1,000 | 2.00 ms | 4.00 ms | 150 / 200 | 50 % / 50.0 | 25 % | clean |");
    assertThat(lines[3]).startsWith("| 2 Hz | 2,000 | 90.0 ms |").contains("p99 90.0 ms >= 50 ms");
    assertThat(lines[4]).startsWith("| highest clean rate |  | 1,000 msg/s in |");
    assertThat(result.summary()).contains("mosquitto: highest clean rate 1,000 msg/s in",
        "idle RSS with all connections open 100 MB");
  }

  @Test
  void jsonAndHtmlCarryEveryBrokerAndStep(@TempDir Path dir) throws Exception {
    LadderResult result = result();
    result.writeJson(dir.resolve("ladder.json"));
    JsonNode json = JsonMapper.builder().build().readTree(Files.readString(dir.resolve("ladder.json")));
    assertThat(json.get("brokers")).hasSize(2);
    JsonNode first = json.get("brokers").get(0);
    assertThat(first.get("broker").asString()).isEqualTo("mosquitto");
    assertThat(first.get("highestCleanRate").asDouble()).isEqualTo(1000);
    assertThat(first.get("steps")).hasSize(2);
    JsonNode step = first.get("steps").get(0);
    assertThat(step.get("clean").asBoolean()).isTrue();
    assertThat(step.get("resources").get("peakRssKb").asLong()).isEqualTo(200 * 1024);
    assertThat(step.get("resources").get("brokerMicrosPerMessage").asDouble()).isEqualTo(50);
    assertThat(step.get("report").get("latencyMicros").get("p99").asLong()).isEqualTo(2_000);

    result.writeHtml(dir.resolve("ladder.html"));
    String html = Files.readString(dir.resolve("ladder.html"));
    assertThat(html).contains("p99 latency by offered rate (log scale)", "broker resident memory");
    assertThat(html.split("<svg", -1)).hasSize(3);
    assertThat(html.split("<polyline", -1)).hasSize(5); // two brokers in each of two charts
  }

  @Test
  void resourcesConvertCpuTimeToPercentOfACoreAndMicrosecondsPerMessage() {
    assertThat(COST.brokerCpuPercent()).isEqualTo(50);
    assertThat(COST.brokerMicrosPerMessage()).isEqualTo(50);
    assertThat(COST.generatorCpuPercent()).isEqualTo(25);
    assertThat(COST.generatorMicrosPerMessage()).isEqualTo(25);
    assertThat(new StepResources(0, 0, 0, -1, 0, 0, 0).brokerCpuPercent()).as("no window, unreadable").isZero();
    assertThat(COST.describe()).isEqualTo("broker RSS idle 100 MB, mean 150 MB, peak 200 MB; broker CPU 50 % of a"
        + " core, 50.0 us/msg in; generator CPU 25 %, 25.0 us/msg");
  }

  @Test
  void meterReadsMemoryAndCpuOfARealProcessOverTheMeasuredSecondsOnly() {
    long self = ProcessHandle.current().pid();
    assertThat(ProcessMeter.rssKb(self)).isPositive();
    assertThat(ProcessMeter.cpuNanos(self)).isPositive();
    assertThat(ProcessMeter.rssKb(Long.MAX_VALUE)).isEqualTo(-1);
    assertThat(ProcessMeter.cpuNanos(Long.MAX_VALUE)).isEqualTo(-1);

    StepMeter meter = new StepMeter(self, s -> {});
    meter.connected();
    meter.accept(new Sample(1, true, 5, 5, 5, 10, 0, 0, 0));
    long busyUntil = System.nanoTime() + 50_000_000L;
    long spin = 0;
    while (System.nanoTime() < busyUntil) {
      spin++;
    }
    meter.accept(new Sample(2, false, 100, 100, 100, 200, 0, 0, 0));
    meter.accept(new Sample(3, false, 300, 300, 300, 600, 0, 0, 0));
    StepResources r = meter.resources();
    assertThat(spin).isPositive();
    assertThat(r.idleRssKb()).isPositive();
    assertThat(r.meanRssKb()).isPositive();
    assertThat(r.peakRssKb()).isGreaterThanOrEqualTo(r.meanRssKb());
    assertThat(r.messagesIn()).as("warm-up excluded").isEqualTo(400);
    assertThat(r.windowNanos()).isGreaterThanOrEqualTo(50_000_000L);
    assertThat(r.brokerCpuNanos()).as("the spin is CPU time of this process").isGreaterThanOrEqualTo(10_000_000L);
  }

  private static LadderResult result() {
    List<LadderStep> steps = List.of(step(1, 1000, 2000, 0, 2_000), step(2, 2000, 4000, 0, 90_000));
    return new LadderResult(List.of(new LadderResult.Rungs("mosquitto", steps), new LadderResult.Rungs("flux", steps)),
        "shape", "machine");
  }
}
