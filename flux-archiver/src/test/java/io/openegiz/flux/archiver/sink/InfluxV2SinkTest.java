package io.openegiz.flux.archiver.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The requests InfluxV2Sink sends, against a JDK HTTP server: InfluxDB 2.x has no Debian package and cannot run
 * here, so only the request format (path, query, token, gzip body) and the reading of answers are tested, as the
 * InfluxDB 2.x API documents them (docs/archive.md says so).
 */
class InfluxV2SinkTest {
  private final StubHttp server = new StubHttp();

  @AfterEach
  void stop() {
    server.close();
  }

  private InfluxV2Sink sink() {
    return new InfluxV2Sink(server.url(), "acme plant", "telemetry", "t0k3n==", Duration.ofSeconds(5),
        Retention.defaults());
  }

  @Test
  void writesGzipLinesToTheV2EndpointWithTheToken() {
    assertThat(sink().write(List.of("m f=1.0 1", "m f=2.0 2"))).isInstanceOf(WriteResult.Written.class);

    assertThat(server.last()).isEqualTo("POST /api/v2/write?org=acme+plant&bucket=telemetry&precision=ms"
        + "|Token t0k3n==|m f=1.0 1\nm f=2.0 2\n");
  }

  @Test
  void aRefusedWriteKeepsInfluxDbsError() {
    server.status = 422;
    server.body = "{\"code\":\"unprocessable entity\",\"message\":\"partial write: field type conflict\"}";
    assertThat(sink().write(List.of("m f=1.0 1"))).isEqualTo(new WriteResult.Rejected(422, server.body));
  }

  @Test
  void anExistingBucketIsReadyAndAMissingOneGetsTheCommandsToCreateIt() {
    server.status = 200;
    server.body = "{\"buckets\":[{\"id\":\"0a1b\",\"name\":\"telemetry\",\"retentionRules\":[{\"type\":\"expire\","
        + "\"everySeconds\":7776000}]}]}";
    assertThat(sink().prepare()).isEmpty();
    assertThat(server.last()).isEqualTo("GET /api/v2/buckets?name=telemetry&org=acme+plant|Token t0k3n==|");

    server.body = "{\"buckets\":[]}";
    assertThat(sink().prepare()).containsExactly(
        "influx bucket create --org 'acme plant' --name telemetry --retention 90d",
        "influx bucket create --org 'acme plant' --name telemetry_aggregated --retention 365d",
        "influx task create --org 'acme plant' --file flux-aggregate.flux   # the task in docs/archive.md");
    server.status = 401;
    server.body = "{\"code\":\"unauthorized\",\"message\":\"unauthorized access\"}";
    assertThat(sink().prepare()).hasSize(3);
  }

  @Test
  void aMissingBucketAtWriteTimeIsRetriedAndTheAdviceRepeated() {
    server.status = 404;
    server.body = "{\"code\":\"not found\",\"message\":\"bucket \\\"telemetry\\\" not found\"}";
    assertThat(sink().write(List.of("m f=1.0 1"))).isInstanceOf(WriteResult.Retry.class);
    assertThat(server.last()).startsWith("GET /api/v2/buckets?name=telemetry");
  }
}
