package io.openegiz.flux.archiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
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
    assertThat(config.database()).isEqualTo(new Database.InfluxV1(URI.create("http://127.0.0.1:8086"), "telemetry",
        null, null, null));
  }

  @Test
  void withoutADatabaseItIsTheEmbeddedQuestDbUnderTheDataDirectory() {
    ArchiverConfig config = ArchiverConfig.parse(List.of());

    assertThat(config.database()).isEqualTo(new Database.Embedded(Path.of("flux-data"), 9000));
    assertThat(((Database.Embedded) config.database()).root()).isEqualTo(Path.of("flux-data", "questdb"));
    assertThat(config.deadLetterDir()).isEqualTo(Path.of("flux-data", "dead-letters"));
    assertThat(ArchiverConfig.parse(List.of(new Setting("--data", "data_dir", "/srv/flux"),
        new Setting("--questdb-port", "questdb_port", "0"))).database())
        .isEqualTo(new Database.Embedded(Path.of("/srv/flux"), 0));
  }

  @Test
  void eachDatabaseIsChosenByItsKeys() {
    assertThat(database("questdb_url http://q:9000")).isEqualTo(new Database.QuestDb(URI.create("http://q:9000")));
    assertThat(database("influx_url http://i:8086", "db d", "rp r", "influx_user u", "influx_password p"))
        .isEqualTo(new Database.InfluxV1(URI.create("http://i:8086"), "d", "r", "u", "p"));
    assertThat(database("influx_url http://i:8086", "org o", "bucket b", "token t"))
        .isEqualTo(new Database.InfluxV2(URI.create("http://i:8086"), "o", "b", "t"));
    assertThat(new Database.InfluxV2(URI.create("http://i:8086"), "o", "b", "s3cret").toString())
        .doesNotContain("s3cret");
  }

  private static Database database(String... lines) {
    List<Setting> settings = new java.util.ArrayList<>();
    for (int i = 0; i < lines.length; i++) {
      String[] kv = lines[i].split(" ", 2);
      settings.add(new Setting("f:" + (i + 1), kv[0], kv[1]));
    }
    return ArchiverConfig.parse(settings).database();
  }

  @Test
  void mixingDatabasesIsAnErrorNamingBothAndEveryErrorComesAtOnce() {
    String accepted = "accepted: one database: questdb_url (--questdb), or influx_url with db (InfluxDB 1.x), or "
        + "influx_url with org, bucket and token (InfluxDB 2.x/3.x), or none for the embedded QuestDB";
    assertThatThrownBy(() -> database("questdb_url http://q:9000", "influx_url http://i:8086", "db d",
        "questdb_port 9001")).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors())
            .containsExactly("f:2: influx_url: given with questdb_url (f:1); " + accepted,
                "f:3: db: given with questdb_url (f:1); " + accepted,
                "f:4: questdb_port: given with questdb_url (f:1); " + accepted));
    assertThatThrownBy(() -> database("influx_url http://i:8086", "db d", "bucket b", "questdb_port x"))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).containsExactly(
            "f:3: bucket: given with db (f:2); " + accepted,
            "f:4: questdb_port: given with influx_url (f:1); " + accepted));
    assertThatThrownBy(() -> database("influx_url http://i:8086", "org o", "token t"))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).containsExactly(
            "bucket: is required with org and token (InfluxDB 2.x/3.x); accepted: --org, --bucket and --token "
                + "together"));
    assertThatThrownBy(() -> database("influx_url http://i:8086")).isInstanceOfSatisfying(ConfigException.class,
        e -> assertThat(e.errors()).containsExactly("f:1: influx_url: needs db (InfluxDB 1.x, --db) or org, bucket "
            + "and token (InfluxDB 2.x/3.x, --org --bucket --token)"));
    assertThatThrownBy(() -> database("db d", "token t")).isInstanceOfSatisfying(ConfigException.class,
        e -> assertThat(e.errors()).containsExactly("f:1: db: needs influx_url; " + accepted,
            "f:2: token: needs influx_url; " + accepted));
    assertThatThrownBy(() -> database("questdb_url ftp://q", "questdb_port 70000"))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).containsExactly(
            "f:2: questdb_port: given with questdb_url (f:1); " + accepted));
    assertThatThrownBy(() -> database("questdb_url ftp://q")).isInstanceOfSatisfying(ConfigException.class,
        e -> assertThat(e.errors()).containsExactly(
            "f:1: questdb_url: \"ftp://q\" is not an HTTP URL; accepted: e.g. http://127.0.0.1:8086"));
    assertThatThrownBy(() -> database("questdb_port 70000")).isInstanceOfSatisfying(ConfigException.class,
        e -> assertThat(e.errors()).containsExactly(
            "f:1: questdb_port: \"70000\" is not accepted; accepted: an integer from 0 to 65535"));
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
            + "certfile, keyfile, session_expiry, questdb_url, influx_url, db, rp, influx_user, influx_password, "
            + "org, bucket, token, data_dir, questdb_port, dead_letter, dead_letter_max_size, dead_letter_keep, "
            + "batch_size, batch_interval, batch_idle, max_in_flight, retry_max, retention, retention_raw, "
            + "retention_aggregated, aggregate_interval",
        file + ":2: broker: \"mqtt://host\" is not a broker URL; accepted: tcp://host:port or ssl://host:port",
        file + ":7: certfile: certfile and keyfile go together; accepted: both or neither",
        file + ":7: certfile: /nonexistent.pem is not a readable file",
        file + ":4: influx_url: needs db (InfluxDB 1.x, --db) or org, bucket and token (InfluxDB 2.x/3.x, --org "
            + "--bucket --token)",
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

    assertThat(((Database.InfluxV1) config.database()).db()).isEqualTo("b");
    assertThat(config.topics()).containsExactly("openegiz/+/+/+/+/telemetry", "openegiz/+/+/+/+/status");
  }
}
