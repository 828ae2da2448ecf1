package io.openegiz.flux.archiver.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.openegiz.flux.archiver.line.Point;
import io.openegiz.flux.archiver.mapping.Mapped;
import io.openegiz.flux.archiver.mapping.PayloadMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How QuestDbSink splits a batch by table and reads the answers, against a JDK HTTP server, and that the declared
 * tables fit every point PayloadMapper makes; the real QuestDB is in the ITs.
 */
class QuestDbSinkTest {

  @Test
  void theMeasurementIsReadUpToTheFirstUnescapedCommaOrSpace() {
    assertThat(QuestDbSink.measurement("electrical,device_id=a v=1.0 1")).isEqualTo("electrical");
    assertThat(QuestDbSink.measurement("device_status status=\"x\" 1")).isEqualTo("device_status");
    assertThat(QuestDbSink.measurement("odd\\ name\\,x,t=1 v=1.0 1")).isEqualTo("odd\\ name\\,x");
    assertThat(QuestDbSink.byTable(List.of("a v=1.0 1", "b v=1.0 1", "a v=2.0 2"))).isEqualTo(Map.of(
        "a", List.of("a v=1.0 1", "a v=2.0 2"), "b", List.of("b v=1.0 1")));
  }

  @Test
  void aBatchIsOneRequestPerTableAndIsWrittenOnlyWhenEveryTableIs() {
    try (StubHttp server = new StubHttp()) {
      server.status = 200; // the table statements
      QuestDbSink sink = new QuestDbSink(server.url(), Duration.ofSeconds(5), null);
      assertThat(sink.prepare()).isEmpty();
      server.requests.clear();
      server.status = 204;

      assertThat(sink.write(List.of("a v=1.0 1", "b v=1.0 1", "a v=2.0 2"))).isInstanceOf(WriteResult.Written.class);
      assertThat(server.requests).containsExactly("POST /write?precision=ms|null|a v=1.0 1\na v=2.0 2\n",
          "POST /write?precision=ms|null|b v=1.0 1\n");

      server.status = 400;
      server.body = "{\"code\":\"invalid\",\"message\":\"failed to parse line protocol\"}";
      assertThat(sink.write(List.of("a v=1.0 1"))).isEqualTo(new WriteResult.Rejected(400, server.body));
      server.status = 413;
      assertThat(sink.write(List.of("a v=1.0 1", "b v=1.0 1"))).isInstanceOf(WriteResult.TooLarge.class);
      server.status = 500;
      server.requests.clear();
      assertThat(sink.write(List.of("a v=1.0 1", "b v=1.0 1"))).isInstanceOf(WriteResult.Retry.class);
      assertThat(server.requests).hasSize(1); // the second table waits for the retry
    }
  }

  @Test
  void untilQuestDbHasAnsweredTheTableStatementsNothingIsWritten() {
    QuestDbSink sink;
    try (StubHttp server = new StubHttp()) {
      sink = new QuestDbSink(server.url(), Duration.ofSeconds(5), Retention.defaults());
    }
    assertThat(sink.prepare()).isNotEmpty();
    assertThat(sink.write(List.of("a v=1.0 1"))).isInstanceOfSatisfying(WriteResult.Retry.class,
        r -> assertThat(r.why()).contains("has not answered the table statements"));
  }

  @Test
  void everyPointOfTheSpecPayloadsFitsItsDeclaredTable() throws IOException {
    PayloadMapper mapper = new PayloadMapper();
    String oven = "openegiz/factory-a/oven/oven-001/";
    String electrical = Files.readString(example("electrical")).replace("\"frequency\"",
        "\"energy\": {\"total\": 12.5, \"unit\": \"kWh\"}, \"frequency\"");
    List<Mapped> mapped = List.of(
        mapper.map(oven + "electrical/telemetry", electrical.getBytes(StandardCharsets.UTF_8), 0),
        mapper.map(oven + "thermal/telemetry", Files.readAllBytes(example("thermal")), 0),
        mapper.map("openegiz/factory-a/environment/zone-a/ambient/telemetry",
            Files.readAllBytes(example("environmental")), 0),
        mapper.map(oven + "electrical/status", Files.readAllBytes(example("status")), 0));
    int fields = 0;
    for (Mapped m : mapped) {
      assertThat(m).isInstanceOf(Mapped.Points.class);
      for (Point point : ((Mapped.Points) m).points()) {
        QuestDbTables.Table table = QuestDbTables.TABLES.stream()
            .filter(t -> t.name().equals(point.measurement())).findFirst().orElseThrow();
        assertThat(table.tags()).containsAll(point.tags().keySet());
        for (Map.Entry<String, Object> field : point.fields().entrySet()) {
          assertThat(table.fields()).containsEntry(field.getKey(), switch (field.getValue()) {
            case Double d -> "DOUBLE";
            case Long l -> "LONG";
            case Boolean b -> "BOOLEAN";
            default -> "VARCHAR";
          });
          fields++;
        }
      }
    }
    assertThat(fields).isEqualTo(32);
  }

  private static Path example(String name) {
    return Path.of("../flux-telemetry/src/test/resources/examples/spec-" + name + ".json");
  }

  @Test
  void ttlAndSampleByAreInQuestDbsUnits() {
    assertThat(QuestDbTables.ttl(Duration.ofDays(90))).isEqualTo("90 DAYS");
    assertThat(QuestDbTables.ttl(Duration.ofHours(36))).isEqualTo("36 HOURS");
    assertThat(QuestDbTables.ttl(Duration.ofMinutes(90))).isEqualTo("2 HOURS");
    assertThat(QuestDbTables.sampleBy(Duration.ofMinutes(1))).isEqualTo("1m");
    assertThat(QuestDbTables.sampleBy(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(QuestDbTables.sampleBy(Duration.ofHours(2))).isEqualTo("2h");
    assertThat(QuestDbTables.view("thermal", Retention.defaults())).isEqualTo("thermal_1m");
  }
}
