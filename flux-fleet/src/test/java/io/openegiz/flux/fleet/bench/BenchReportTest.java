package io.openegiz.flux.fleet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class BenchReportTest {
  private static final BenchConfig CONFIG = BenchConfig.defaults("127.0.0.1", 1883);
  private static final Totals TOTALS = new Totals(0, 0, 0, 0, 0, 0, 0, 0);

  @Test
  void ratesAverageOnlyTheMeasuredSeconds() {
    List<Sample> samples = List.of(
        new Sample(1, true, 5, 5, 5, 5, 0, 0, 0),
        new Sample(2, false, 100, 100, 90, 80, 0, 0, 0),
        new Sample(3, false, 300, 300, 310, 320, 0, 0, 0));
    BenchReport r = BenchReport.aggregate("x", CONFIG, samples, LatencySummary.of(new Histogram(3)), TOTALS, true);
    assertThat(r.measuredSeconds()).isEqualTo(2);
    assertThat(r.sentPerSecond()).isEqualTo(200);
    assertThat(r.ackedPerSecond()).isEqualTo(200);
    assertThat(r.deliveredPerSecond()).isEqualTo(200);
    assertThat(r.samples()).hasSize(3);
  }

  @Test
  void latencySummaryReadsPercentilesFromTheHistogram() {
    Histogram h = new Histogram(1, BenchStats.MAX_LATENCY_MICROS, 3);
    for (int v = 1; v <= 1000; v++) {
      h.recordValue(v);
    }
    LatencySummary s = LatencySummary.of(h);
    assertThat(s.count()).isEqualTo(1000);
    assertThat(s.p50()).isEqualTo(500);
    assertThat(s.p99()).isEqualTo(990);
    assertThat(s.p999()).isEqualTo(999);
    assertThat(s.max()).isEqualTo(1000);
    assertThat(LatencySummary.of(new Histogram(3)).describe()).isEqualTo("no deliveries");
  }

  @Test
  void formatsMillisecondsWithSensiblePrecision() {
    assertThat(LatencySummary.formatMillis(412)).isEqualTo("0.412 ms");
    assertThat(LatencySummary.formatMillis(4_125)).isEqualTo("4.13 ms");
    assertThat(LatencySummary.formatMillis(41_250)).isEqualTo("41.3 ms");
    assertThat(LatencySummary.formatMillis(1_530_000)).isEqualTo("1530 ms");
  }

  @Test
  void comparisonRatiosUseTheFirstBrokerAsBaseline() {
    List<Sample> slow = List.of(new Sample(1, false, 0, 0, 0, 100, 0, 0, 0));
    List<Sample> fast = List.of(new Sample(1, false, 0, 0, 0, 150, 0, 0, 0));
    LatencySummary none = LatencySummary.of(new Histogram(3));
    ComparisonResult c = new ComparisonResult(List.of(
        BenchReport.aggregate("mosquitto", CONFIG, slow, none, TOTALS, true),
        BenchReport.aggregate("flux", CONFIG, fast, none, TOTALS, true)), "test machine");
    assertThat(c.throughputRatio(c.reports().get(1))).isEqualTo(1.5);
    assertThat(c.table()).contains("flux / mosquitto: delivered msg/s x1.50");
    assertThat(HtmlReport.render(c)).contains("<svg").doesNotContain("<script", "src=\"http", "href=\"http");
  }

  @Test
  void theComparisonFileIsJsonWithTheReportsFields(@TempDir Path dir) throws Exception {
    List<Sample> slow = List.of(new Sample(1, false, 0, 0, 0, 100, 0, 0, 0));
    List<Sample> fast = List.of(new Sample(1, false, 0, 0, 0, 150, 0, 0, 0));
    LatencySummary none = LatencySummary.of(new Histogram(3));
    String odd = "flux \"edge\"\\\n1"; // quotes, a backslash and a newline must be escaped, not break the file
    ComparisonResult c = new ComparisonResult(List.of(
        BenchReport.aggregate("mosquitto", CONFIG, slow, none, TOTALS, true),
        BenchReport.aggregate(odd, CONFIG, fast, none, TOTALS, true)), "test machine");
    Path file = dir.resolve("compare.json");
    c.writeJson(file);

    String text = Files.readString(file);
    assertThat(text).endsWith("}\n").contains("\"deliveredPerSecond\":1.50");
    JsonNode doc = JsonMapper.builder().build().readTree(text);
    assertThat(doc.path("machine").asString()).isEqualTo("test machine");
    assertThat(doc.path("baseline").asString()).isEqualTo("mosquitto");
    assertThat(doc.path("ratios").path(odd).path("deliveredPerSecond").decimalValue()).isEqualByComparingTo("1.5");
    JsonNode report = doc.path("reports").path(1);
    assertThat(report.path("broker").asString()).isEqualTo(odd);
    assertThat(report.path("config").path("port").asInt()).isEqualTo(1883);
    assertThat(report.path("deliveredPerSecond").decimalValue()).isEqualByComparingTo("150");
    assertThat(report.path("samples").path(0).path("delivered").asLong()).isEqualTo(150);
    assertThat(report.path("latencyMicros").path("count").asLong()).isZero();
    assertThat(report.path("drained").asBoolean()).isTrue();
  }
}
