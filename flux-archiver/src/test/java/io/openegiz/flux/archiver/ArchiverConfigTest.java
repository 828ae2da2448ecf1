package io.openegiz.flux.archiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiverConfigTest {
  @TempDir
  Path tmp;

  private ArchiverConfig parse(String text) throws Exception {
    Path file = tmp.resolve("archiver.conf");
    Files.writeString(file, text);
    return ArchiverConfig.parse(ArchiverConfig.read(file));
  }

  @Test
  void defaultsAreTheIssuesNumbers() throws Exception {
    ArchiverConfig config = parse("influx_url http://127.0.0.1:8086\ndb telemetry\ndead_letter /tmp/dl\n");

    assertThat(config.broker().toString()).isEqualTo("tcp://127.0.0.1:1883");
    assertThat(config.clientId()).isEqualTo("flux-archiver");
    assertThat(config.topics()).containsExactly("openegiz/#");
    assertThat(config.batchSize()).isEqualTo(5000);
    assertThat(config.batchInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.maxInFlight()).isEqualTo(100_000);
    assertThat(config.rp()).isNull();
  }

  @Test
  void everyErrorIsReportedAtOnceWithFileLineKeyAndWhatIsAccepted() throws Exception {
    Path file = tmp.resolve("archiver.conf");
    assertThatThrownBy(() -> parse("""
        # comment
        broker mqtt://host
        batch_size lots
        influx_url http://127.0.0.1:8086
        batch_interval 5
        colour blue
        certfile /nonexistent.pem
        """)).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).containsExactly(
        file + ":6: colour: unknown key; accepted: broker, client_id, topic, username, password, cafile, "
            + "certfile, keyfile, session_expiry, influx_url, db, rp, influx_user, influx_password, dead_letter, "
            + "dead_letter_max_size, dead_letter_keep, batch_size, batch_interval, batch_idle, max_in_flight, "
            + "retry_max, retention, retention_raw, retention_aggregated, aggregate_interval",
        file + ":2: broker: \"mqtt://host\" is not a broker URL; accepted: tcp://host:port or ssl://host:port",
        file + ":7: certfile: certfile and keyfile go together; accepted: both or neither",
        file + ":7: certfile: /nonexistent.pem is not a readable file",
        "db: is required; accepted: an InfluxDB database name (--db)",
        "dead_letter: is required; accepted: a directory for the dead-letter files (--dead-letter)",
        file + ":3: batch_size: \"lots\" is not accepted; accepted: an integer from 1 to 1000000",
        file + ":5: batch_interval: \"5\" is not a duration; accepted: a whole number with a unit ms, s, m, h "
            + "or d, e.g. 500ms, 1s, 7d"));
  }

  @Test
  void laterSettingsWinAndTopicsAccumulate() {
    ArchiverConfig config = ArchiverConfig.parse(List.of(new Setting("f:1", "db", "a"),
        new Setting("f:2", "topic", "openegiz/+/+/+/+/telemetry"),
        new Setting("f:3", "topic", "openegiz/+/+/+/+/status"),
        new Setting("f:4", "influx_url", "http://h:8086"), new Setting("f:5", "dead_letter", "/tmp/x"),
        new Setting("--db", "db", "b")));

    assertThat(config.db()).isEqualTo("b");
    assertThat(config.topics()).containsExactly("openegiz/+/+/+/+/telemetry", "openegiz/+/+/+/+/status");
  }
}
