package io.openegiz.flux.archiver.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The request InfluxV1Sink sends, seen by a JDK HTTP server; the real influxd is in the ITs. */
class InfluxV1SinkTest {
  private final StubHttp server = new StubHttp();

  @AfterEach
  void stop() {
    server.close();
  }

  private InfluxV1Sink sink() {
    return new InfluxV1Sink(server.url(), "tele metry", "raw", "archiver", "s3cret", Duration.ofSeconds(5), null);
  }

  @Test
  void writesGzipLinesWithMillisecondPrecisionAndBasicAuth() {
    assertThat(sink().write(List.of("m f=1.0 1", "m f=2.0 2"))).isInstanceOf(WriteResult.Written.class);

    assertThat(server.last()).isEqualTo("POST /write?db=tele+metry&precision=ms&rp=raw|Basic YXJjaGl2ZXI6czNjcmV0|"
        + "m f=1.0 1\nm f=2.0 2\n");
  }
}
