package io.openegiz.flux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.openegiz.flux.archiver.ArchiverConfig;
import io.openegiz.flux.archiver.Database;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ArchiveCommandTest {
  @TempDir
  Path tmp;

  @Test
  void optionsOverrideTheFileAndTopicsReplaceItsTopics() throws Exception {
    Path file = tmp.resolve("archiver.conf");
    Files.writeString(file, "influx_url http://db:8086\ndb from_file\ndead_letter /var/lib/flux/dl\n"
        + "topic openegiz/+/+/+/+/status\nclient_id from-file\n");
    ArchiveCommand command = new ArchiveCommand();
    new CommandLine(command).parseArgs("-c", file.toString(), "--db", "from_option", "--topic",
        "openegiz/+/+/+/+/telemetry", "--broker", "ssl://broker:8883", "--cafile", file.toString());

    ArchiverConfig config = ArchiverConfig.parse(command.settings());

    assertThat(config.database()).isEqualTo(new Database.InfluxV1(URI.create("http://db:8086"), "from_option", null,
        null, null));
    assertThat(config.clientId()).isEqualTo("from-file");
    assertThat(config.topics()).containsExactly("openegiz/+/+/+/+/telemetry");
    assertThat(config.broker().toString()).isEqualTo("ssl://broker:8883");
    assertThat(config.cafile()).isEqualTo(file);
  }

  @Test
  void theDatabaseOptionsChooseTheSinkAndNoneIsTheEmbeddedQuestDb() throws Exception {
    assertThat(database("--questdb", "http://q:9000")).isEqualTo(new Database.QuestDb(URI.create("http://q:9000")));
    assertThat(database("--influx-url", "http://i:8086", "--org", "o", "--bucket", "b", "--token", "t"))
        .isEqualTo(new Database.InfluxV2(URI.create("http://i:8086"), "o", "b", "t"));
    assertThat(database("--data", "/srv/flux", "--questdb-port", "9100"))
        .isEqualTo(new Database.Embedded(Path.of("/srv/flux"), 9100));
  }

  private static Database database(String... args) throws Exception {
    ArchiveCommand command = new ArchiveCommand();
    new CommandLine(command).parseArgs(args);
    return ArchiverConfig.parse(command.settings()).database();
  }

  @Test
  void badSettingsStopTheStartWithExitCodeTwo() throws Exception {
    Path file = tmp.resolve("archiver.conf");
    Files.writeString(file, "batch_size -1\n");

    assertThat(new CommandLine(new FluxCommand()).execute("archive", "-c", file.toString())).isEqualTo(2);
  }

  @Test
  void httpListenerIsTakenOutOfTheArchiverSettingsAndCheckedLikeTheBrokers() throws Exception {
    java.util.List<io.openegiz.flux.archiver.Setting> settings = new java.util.ArrayList<>(java.util.List.of(
        new io.openegiz.flux.archiver.Setting("archive.conf:3", "broker", "tcp://127.0.0.1:1883"),
        new io.openegiz.flux.archiver.Setting("archive.conf:7", "http_listener", "9884 0.0.0.0")));
    assertThat(ArchiveCommand.httpListener(settings))
        .isEqualTo(new io.openegiz.flux.broker.config.HttpConfig(9884, "0.0.0.0", "archive.conf:7"));
    assertThat(settings).extracting(io.openegiz.flux.archiver.Setting::key).containsExactly("broker");
    java.util.List<io.openegiz.flux.archiver.Setting> bad = new java.util.ArrayList<>(java.util.List.of(
        new io.openegiz.flux.archiver.Setting("archive.conf:9", "http_listener", "99999")));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ArchiveCommand.httpListener(bad))
        .isInstanceOf(io.openegiz.flux.broker.config.ConfigException.class)
        .hasMessageContaining("archive.conf:9: http_listener: 99999 is out of range; accepted: http_listener PORT");
    assertThat(ArchiveCommand.httpListener(new java.util.ArrayList<>())).isNull();
  }

  @Test
  void theCredentialKeysAreTakenOutTooAndMeanWhatTheBrokersMean() throws Exception {
    Path token = Files.writeString(tmp.resolve("token"), "c2VjcmV0LXRva2VuLWZvci1wcm9tZXRoZXVz\n");
    Path passwd = Files.writeString(tmp.resolve("passwd"), "prometheus:" + io.openegiz.flux.broker.security.PasswordHash
        .create(new byte[] {1}, 1000, new java.security.SecureRandom()).encoded() + "\n");
    java.util.List<io.openegiz.flux.archiver.Setting> settings = new java.util.ArrayList<>(java.util.List.of(
        new io.openegiz.flux.archiver.Setting("archive.conf:3", "broker", "tcp://127.0.0.1:1883"),
        new io.openegiz.flux.archiver.Setting("archive.conf:7", "http_listener", "9884 0.0.0.0"),
        new io.openegiz.flux.archiver.Setting("archive.conf:8", "http_auth_token_file", token.toString()),
        new io.openegiz.flux.archiver.Setting("archive.conf:9", "http_password_file", passwd.toString())));
    io.openegiz.flux.broker.config.HttpConfig http = ArchiveCommand.httpListener(settings);
    assertThat(http).isEqualTo(new io.openegiz.flux.broker.config.HttpConfig(9884, "0.0.0.0", "archive.conf:7")
        .withAuth(token, passwd));
    assertThat(settings).extracting(io.openegiz.flux.archiver.Setting::key).containsExactly("broker");
    assertThat(ArchiveCommand.openEndpointWarning(http)).isNull();
    assertThat(ArchiveCommand.openEndpointWarning(http.withAuth(null, null))).isEqualTo("archive.conf:7: "
        + "http_listener: 0.0.0.0 is not loopback and neither http_auth_token_file nor http_password_file is set:"
        + " /metrics is open to that network");
    assertThat(ArchiveCommand.openEndpointWarning(new io.openegiz.flux.broker.config.HttpConfig(9884, "127.0.0.1",
        "archive.conf:7"))).isNull();

    java.util.List<io.openegiz.flux.archiver.Setting> bad = new java.util.ArrayList<>(java.util.List.of(
        new io.openegiz.flux.archiver.Setting("archive.conf:4", "http_auth_token_file", token.toString()),
        new io.openegiz.flux.archiver.Setting("archive.conf:5", "http_password_file", tmp.resolve("nope").toString())));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ArchiveCommand.httpListener(bad))
        .isInstanceOf(io.openegiz.flux.broker.config.ConfigException.class)
        .hasMessageContaining("archive.conf:5: http_password_file: \"" + tmp.resolve("nope") + "\": no such file")
        .satisfies(e -> assertThat(((io.openegiz.flux.broker.config.ConfigException) e).errors()).hasSize(1));
    java.util.List<io.openegiz.flux.archiver.Setting> alone = new java.util.ArrayList<>(java.util.List.of(
        new io.openegiz.flux.archiver.Setting("archive.conf:4", "http_auth_token_file", token.toString())));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ArchiveCommand.httpListener(alone))
        .hasMessageContaining("archive.conf:4: http_auth_token_file: there is no http_listener");
  }
}
