package io.openegiz.flux.archiver.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The request InfluxV1Sink sends and how it reads answers influxd 1.x does not give by itself (429, 503 with
 * Retry-After, 413): a JDK HTTP server stands in for those; the real influxd is in the ITs.
 */
class InfluxV1SinkTest {
  private HttpServer server;
  private final AtomicReference<String> request = new AtomicReference<>();
  private volatile int status = 204;
  private volatile String retryAfter;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      String body;
      try (InputStream in = new GZIPInputStream(exchange.getRequestBody())) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      request.set(exchange.getRequestURI() + "|" + exchange.getRequestHeaders().getFirst("Authorization") + "|"
          + body);
      if (retryAfter != null) {
        exchange.getResponseHeaders().add("Retry-After", retryAfter);
      }
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private InfluxV1Sink sink() {
    return new InfluxV1Sink(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), "tele metry", "raw",
        "archiver", "s3cret", Duration.ofSeconds(5), null);
  }

  @Test
  void writesGzipLinesWithMillisecondPrecisionAndBasicAuth() {
    assertThat(sink().write(List.of("m f=1.0 1", "m f=2.0 2"))).isInstanceOf(WriteResult.Written.class);

    assertThat(request.get()).isEqualTo("/write?db=tele+metry&precision=ms&rp=raw|Basic YXJjaGl2ZXI6czNjcmV0|"
        + "m f=1.0 1\nm f=2.0 2\n");
  }

  @Test
  void eachStatusBecomesItsAnswer() {
    status = 429;
    retryAfter = "7";
    assertThat(sink().write(List.of("m f=1.0 1"))).isEqualTo(new WriteResult.Retry("429", Duration.ofSeconds(7)));
    status = 503;
    retryAfter = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now().plusSeconds(30));
    assertThat(((WriteResult.Retry) sink().write(List.of("m f=1.0 1"))).retryAfter())
        .isBetween(Duration.ofSeconds(25), Duration.ofSeconds(30));
    retryAfter = null;
    status = 413;
    assertThat(sink().write(List.of("m f=1.0 1"))).isInstanceOf(WriteResult.TooLarge.class);
    status = 422;
    assertThat(sink().write(List.of("m f=1.0 1"))).isInstanceOf(WriteResult.Rejected.class);
    status = 500;
    assertThat(sink().write(List.of("m f=1.0 1"))).isEqualTo(new WriteResult.Retry("500", null));
    server.stop(0);
    assertThat(sink().write(List.of("m f=1.0 1"))).isInstanceOf(WriteResult.Retry.class);
  }
}
