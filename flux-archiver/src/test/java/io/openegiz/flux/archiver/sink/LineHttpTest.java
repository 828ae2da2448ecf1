package io.openegiz.flux.archiver.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How the answers of a write become {@link WriteResult}s for every sink, including those the real databases here
 * never give (influxd 1.x sends no 429, nor 413 for gzip bodies; QuestDB neither): a JDK HTTP server gives them.
 */
class LineHttpTest {
  private final StubHttp server = new StubHttp();

  @AfterEach
  void stop() {
    server.close();
  }

  private WriteResult write() {
    return new LineHttp(server.url(), "Token x", Duration.ofSeconds(5)).write("/w?p=1", List.of("m f=1.0 1"), null);
  }

  @Test
  void eachStatusBecomesItsAnswer() {
    assertThat(write()).isInstanceOf(WriteResult.Written.class);
    assertThat(server.last()).isEqualTo("POST /w?p=1|Token x|m f=1.0 1\n");
    server.status = 429;
    server.retryAfter = "7";
    assertThat(write()).isEqualTo(new WriteResult.Retry("429", Duration.ofSeconds(7)));
    server.status = 503;
    server.retryAfter = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now().plusSeconds(30));
    assertThat(((WriteResult.Retry) write()).retryAfter()).isBetween(Duration.ofSeconds(25), Duration.ofSeconds(30));
    server.retryAfter = null;
    server.status = 413;
    assertThat(write()).isInstanceOf(WriteResult.TooLarge.class);
    server.status = 400;
    server.body = "{\"code\":\"invalid\"}";
    assertThat(write()).isEqualTo(new WriteResult.Rejected(400, "{\"code\":\"invalid\"}"));
    server.status = 422;
    assertThat(write()).isInstanceOf(WriteResult.Rejected.class);
    server.body = "";
    server.status = 500;
    assertThat(write()).isEqualTo(new WriteResult.Retry("500", null));
    server.status = 401;
    assertThat(write()).isEqualTo(new WriteResult.Retry("401", null));
    server.close();
    assertThat(write()).isInstanceOf(WriteResult.Retry.class);
  }

  @Test
  void aNotFoundRunsTheSinksRepairAndIsRetried() {
    AtomicInteger repairs = new AtomicInteger();
    server.status = 404;
    assertThat(new LineHttp(server.url(), null, Duration.ofSeconds(5)).write("/w", List.of("m f=1.0 1"),
        repairs::incrementAndGet)).isInstanceOf(WriteResult.Retry.class);
    assertThat(repairs).hasValue(1);
  }
}
