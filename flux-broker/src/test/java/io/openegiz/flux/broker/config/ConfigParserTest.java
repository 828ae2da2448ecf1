package io.openegiz.flux.broker.config;

import static io.openegiz.flux.broker.config.ConfigLines.parse;
import static io.openegiz.flux.broker.config.ConfigLines.config;
import static io.openegiz.flux.broker.config.ConfigLines.errors;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigParserTest {

  private static final String COMPAT = ": accepted for compatibility, has no effect yet";

  @Test
  void parsesAMosquittoConfAsUsersWriteIt() throws ConfigException {
    ConfigParser.Result result = ConfigParser.parse("mosquitto.conf", List.of(
        "# Place your local configuration in /etc/mosquitto/conf.d/",
        "pid_file /run/mosquitto/mosquitto.pid",
        "",
        "persistence true",
        "persistence_location /var/lib/mosquitto/",
        "",
        "log_dest file /var/log/mosquitto/mosquitto.log",
        "log_type error",
        "log_timestamp true",
        "listener 1883 127.0.0.1",
        "allow_anonymous true",
        "max_inflight_messages 20",
        "message_size_limit 0",
        "persistent_client_expiration 14d",
        "autosave_interval 1800"));

    BrokerConfig c = result.config();
    assertThat(c.listeners()).containsExactly(new ListenerConfig(1883, "127.0.0.1", "mosquitto.conf:10"));
    assertThat(c.allowAnonymous()).isTrue();
    assertThat(c.persistence()).isTrue();
    assertThat(c.persistenceLocation()).isEqualTo(Path.of("/var/lib/mosquitto/"));
    assertThat(c.maxInflightMessages()).isEqualTo(20);
    assertThat(c.messageSizeLimit()).isEqualTo(ConfigParser.MQTT_MAX_SIZE);
    assertThat(c.persistentClientExpiration()).isEqualTo(Duration.ofDays(14));
    assertThat(result.warnings()).containsExactly(
        "mosquitto.conf:2: pid_file" + COMPAT,
        "mosquitto.conf:7: log_dest" + COMPAT,
        "mosquitto.conf:8: log_type" + COMPAT,
        "mosquitto.conf:9: log_timestamp" + COMPAT,
        "mosquitto.conf:15: autosave_interval" + COMPAT);
  }

  @Test
  void emptyFileGivesTheSpecDefaultsAndALocalOnlyListener() throws ConfigException {
    ConfigParser.Result result = parse("# nothing but a comment", "");

    BrokerConfig c = result.config();
    assertThat(c).isEqualTo(BrokerConfig.builder().build());
    assertThat(c.listeners()).singleElement().satisfies(l -> {
      assertThat(l.port()).isEqualTo(1883);
      assertThat(l.bindAddress()).isEqualTo("127.0.0.1");
    });
    assertThat(c.allowAnonymous()).isTrue();
    assertThat(c.maxInflightMessages()).isEqualTo(100);
    assertThat(c.messageSizeLimit()).isEqualTo(262_144);
    assertThat(c.maxPacketSize()).isEqualTo(262_144 + BrokerConfig.PACKET_OVERHEAD_ALLOWANCE);
    assertThat(c.persistentClientExpiration()).isEqualTo(Duration.ofHours(24));
    assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(result.warnings()).isEmpty();
  }

  @Test
  void ignoresBlankLinesIndentedCommentsAndSurroundingWhitespace() throws ConfigException {
    BrokerConfig c = config("", "   # indented comment", "\t max_keepalive \t 60  ", "   ");

    assertThat(c.maxKeepalive()).isEqualTo(60);
  }

  @Test
  void byteOrderMarkOnTheFirstLineIsIgnored() throws ConfigException {
    assertThat(config("\uFEFFmax_keepalive 30").maxKeepalive()).isEqualTo(30);
  }

  @Test
  void lastValueOfASingleValuedKeyWins() throws ConfigException {
    assertThat(config("max_inflight_messages 10", "max_inflight_messages 20").maxInflightMessages()).isEqualTo(20);
  }

  @Test
  void compatibilityKeysAreWarnedAboutWithTheirLine() throws ConfigException {
    ConfigParser.Result result = parse("allow_anonymous true", "autosave_interval 10", "user mosquitto");

    assertThat(result.warnings()).containsExactly("flux.conf:2: autosave_interval" + COMPAT,
        "flux.conf:3: user" + COMPAT);
  }

  @Test
  void sessionOwnershipIsTheIdentityByDefaultOrTheClientIdAsInMosquitto() throws ConfigException {
    assertThat(config("").sessionOwnership()).isEqualTo(SessionOwnership.IDENTITY);
    assertThat(config("session_ownership client_id").sessionOwnership()).isEqualTo(SessionOwnership.CLIENT_ID);
    assertThat(config("session_ownership identity").sessionOwnership()).isEqualTo(SessionOwnership.IDENTITY);
    assertThat(errors("session_ownership username")).containsExactly("flux.conf:1: session_ownership: \"username\""
        + " is not identity or client_id; accepted: identity (a session is resumed or taken over only by the"
        + " identity that created it) or client_id (by whoever presents its client id, as in Mosquitto)");
  }

  @Nested
  class Booleans {

    static Stream<Arguments> keys() {
      return Stream.of(
          Arguments.of("allow_anonymous", (Function<BrokerConfig, Boolean>) BrokerConfig::allowAnonymous),
          Arguments.of("allow_zero_length_clientid",
              (Function<BrokerConfig, Boolean>) BrokerConfig::allowZeroLengthClientid),
          Arguments.of("persistence", (Function<BrokerConfig, Boolean>) BrokerConfig::persistence));
    }

    @ParameterizedTest
    @MethodSource("keys")
    void acceptTrueAndFalse(String key, Function<BrokerConfig, Boolean> read) throws ConfigException {
      assertThat(read.apply(config(key + " true"))).isTrue();
      assertThat(read.apply(config(key + " false"))).isFalse();
    }

    @ParameterizedTest
    @MethodSource("keys")
    void rejectAnythingElse(String key, Function<BrokerConfig, Boolean> read) {
      assertThat(errors(key + " yes"))
          .containsExactly("flux.conf:1: " + key + ": \"yes\" is not true or false; accepted: true or false");
      assertThat(errors(key + " TRUE")).hasSize(1);
    }
  }

  @Nested
  class Numbers {

    @Test
    void notANumberNamesTheLineKeyAndAcceptedRange() {
      assertThat(errors("allow_anonymous true", "max_inflight_messages abc")).containsExactly(
          "flux.conf:2: max_inflight_messages: \"abc\" is not a number; accepted: an integer from 0 to 65535"
              + " (0 = Mosquitto's unlimited, taken as 65535)");
    }

    @ParameterizedTest
    @CsvSource({"1, 1", "100, 100", "65535, 65535", "0, 65535"})
    void maxInflightMessages(String value, int expected) throws ConfigException {
      assertThat(config("max_inflight_messages " + value).maxInflightMessages()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "65536", "99999999999999999999", "1.5", "+5", "0x10"})
    void maxInflightMessagesOutOfRangeOrMalformed(String value) {
      assertThat(errors("max_inflight_messages " + value)).singleElement().asString()
          .startsWith("flux.conf:1: max_inflight_messages: ")
          .containsAnyOf("is out of range", "is not a number");
    }

    @Test
    void outOfRangeMessage() {
      assertThat(errors("max_keepalive 65536")).containsExactly(
          "flux.conf:1: max_keepalive: 65536 is out of range;"
              + " accepted: an integer from 0 to 65535 seconds (0 = no maximum)");
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "60, 60", "65535, 65535"})
    void maxKeepalive(String value, int expected) throws ConfigException {
      assertThat(config("max_keepalive " + value).maxKeepalive()).isEqualTo(expected);
    }

    @Test
    void maxQueuedMessagesZeroMeansNoCountLimit() throws ConfigException {
      assertThat(config("max_queued_messages 0").maxQueuedMessages()).isEqualTo(Integer.MAX_VALUE);
      assertThat(config("max_queued_messages 5").maxQueuedMessages()).isEqualTo(5);
      assertThat(errors("max_queued_messages 2147483648")).hasSize(1);
    }

    @Test
    void maxQueuedBytesZeroMeansNoByteLimit() throws ConfigException {
      assertThat(config("max_queued_bytes 0").maxQueuedBytes()).isZero();
      assertThat(config("max_queued_bytes 1048576").maxQueuedBytes()).isEqualTo(1_048_576L);
      assertThat(errors("max_queued_bytes -1")).hasSize(1);
    }

    @Test
    void bothQueueLimitsUnlimitedIsAWarning() throws ConfigException {
      assertThat(parse("max_queued_messages 0", "max_queued_bytes 0").warnings()).singleElement().asString()
          .startsWith("flux.conf:1: max_queued_messages: 0 together with max_queued_bytes 0");
      assertThat(parse("max_queued_messages 0").warnings()).isEmpty();
    }

    @Test
    void messageSizeLimitZeroIsTheMqttMaximumAndDrivesTheDerivedPacketSize() throws ConfigException {
      assertThat(config("message_size_limit 0").messageSizeLimit()).isEqualTo(268_435_455);
      assertThat(config("message_size_limit 0").maxPacketSize()).isEqualTo(268_435_455);
      BrokerConfig small = config("message_size_limit 1024");
      assertThat(small.messageSizeLimit()).isEqualTo(1024);
      assertThat(small.maxPacketSize()).isEqualTo(1024 + BrokerConfig.PACKET_OVERHEAD_ALLOWANCE);
      assertThat(errors("message_size_limit 268435456")).hasSize(1);
    }

    @Test
    void maxPacketSize() throws ConfigException {
      assertThat(config("max_packet_size 0").maxPacketSize()).isEqualTo(268_435_455);
      assertThat(config("max_packet_size 20").maxPacketSize()).isEqualTo(20);
      assertThat(config("message_size_limit 1000", "max_packet_size 1000").maxPacketSize()).isEqualTo(1000);
      assertThat(errors("max_packet_size 19")).singleElement().asString()
          .startsWith("flux.conf:1: max_packet_size: 19 is too small to hold a CONNECT packet; accepted: 0");
    }

    @Test
    void maxPacketSizeBelowAGivenMessageSizeLimitIsAnError() {
      assertThat(errors("message_size_limit 2000", "max_packet_size 1000")).containsExactly(
          "flux.conf:2: max_packet_size: 1000 is smaller than message_size_limit 2000 (flux.conf:1),"
              + " so such messages could never arrive; accepted: at least message_size_limit");
    }

    @Test
    void maxPacketSizeAloneOrWithUnlimitedMessagesIsAccepted() throws ConfigException {
      assertThat(config("max_packet_size 1000").maxPacketSize()).isEqualTo(1000);
      assertThat(config("message_size_limit 0", "max_packet_size 1000").maxPacketSize()).isEqualTo(1000);
    }
  }

  @Nested
  class Durations {

    @ParameterizedTest
    @CsvSource({"30s, 30", "2h, 7200", "1d, 86400", "2w, 1209600", "1m, 2592000", "1y, 31536000"})
    void persistentClientExpirationUnits(String value, long seconds) throws ConfigException {
      assertThat(config("persistent_client_expiration " + value).persistentClientExpiration())
          .isEqualTo(Duration.ofSeconds(seconds));
    }

    @ParameterizedTest
    @CsvSource({
        "10, has no unit",
        "10x, has an unknown unit",
        "10H, has an unknown unit",
        "10min, has an unknown unit",
        "0h, is out of range",
        "99999999999999999999y, is out of range",
        "999999999999999999y, is out of range",
        "-1h, is not a duration",
        "1.5h, is not a duration",
        "h, is not a duration"})
    void persistentClientExpirationRejects(String value, String problem) {
      assertThat(errors("persistent_client_expiration " + value)).singleElement().asString()
          .startsWith("flux.conf:1: persistent_client_expiration: \"" + value + "\" " + problem + "; accepted: ")
          .contains("m (months of 30 days, not minutes)");
    }

    @Test
    void connectTimeoutTakesSeconds() throws ConfigException {
      assertThat(config("connect_timeout 30s").connectTimeout()).isEqualTo(Duration.ofSeconds(30));
      assertThat(config("connect_timeout 3600s").connectTimeout()).isEqualTo(Duration.ofHours(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10", "1m", "1h", "0s", "3601s", "-5s"})
    void connectTimeoutRejects(String value) {
      assertThat(errors("connect_timeout " + value)).singleElement().asString()
          .startsWith("flux.conf:1: connect_timeout: ")
          .endsWith("accepted: a whole number of seconds from 1 to 3600 followed by s, e.g. 10s");
    }
  }

  @Nested
  class Listeners {

    @Test
    void listenerWithoutAddressBindsAllInterfaces() throws ConfigException {
      assertThat(config("allow_anonymous true", "listener 1883", "allow_plain_listener true").listeners())
          .containsExactly(new ListenerConfig(1883, "0.0.0.0", "flux.conf:2", null, true));
    }

    @Test
    void severalListenersKeepTheirOrder() throws ConfigException {
      assertThat(config("listener 1883 127.0.0.1", "listener 1884", "allow_plain_listener true",
          "listener 1883 ::1").listeners())
          .extracting(ListenerConfig::port, ListenerConfig::bindAddress)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(1883, "127.0.0.1"),
              org.assertj.core.groups.Tuple.tuple(1884, "0.0.0.0"),
              org.assertj.core.groups.Tuple.tuple(1883, "::1"));
    }

    @Test
    void deprecatedPortAndBindAddressMakeTheDefaultListenerFirst() throws ConfigException {
      // allow_plain_listener before any listener line belongs to the default listener (port/bind_address).
      assertThat(config("allow_plain_listener true", "listener 8883", "allow_plain_listener true", "port 1884")
          .listeners()).containsExactly(new ListenerConfig(1884, "0.0.0.0", "flux.conf:4", null, true),
              new ListenerConfig(8883, "0.0.0.0", "flux.conf:2", null, true));
      assertThat(config("bind_address 10.0.0.1", "port 1884", "allow_plain_listener true").listeners())
          .containsExactly(new ListenerConfig(1884, "10.0.0.1", "flux.conf:2", null, true));
      assertThat(config("bind_address 10.0.0.1", "allow_plain_listener true").listeners())
          .containsExactly(new ListenerConfig(1883, "10.0.0.1", "flux.conf:1", null, true));
    }

    @Test
    void sameListenerTwiceIsAnError() {
      assertThat(errors("listener 1883 127.0.0.1", "listener 1883 127.0.0.1")).containsExactly(
          "flux.conf:2: listener: port 1883 on 127.0.0.1 is already declared at flux.conf:1;"
              + " accepted: each port once per address");
      assertThat(errors("allow_plain_listener true", "port 1883", "listener 1883", "allow_plain_listener true"))
          .singleElement().asString()
          .startsWith("flux.conf:3: listener: port 1883 on 0.0.0.0 is already declared at flux.conf:2");
    }

    @Test
    void allInterfacesOverlapsEveryIpv4AddressOnThePort() {
      assertThat(errors("listener 1883", "allow_plain_listener true", "listener 1883 192.168.1.10",
          "allow_plain_listener true")).singleElement().asString()
          .startsWith("flux.conf:3: listener: port 1883 on 192.168.1.10 overlaps 0.0.0.0:1883 declared at flux.conf:1");
    }

    @Test
    void portZeroNeverClashesAndOtherPortsAreIndependent() throws ConfigException {
      assertThat(config("listener 0 127.0.0.1", "listener 0 127.0.0.1", "listener 1883 127.0.0.1",
          "listener 1884 127.0.0.1").listeners()).hasSize(4);
    }

    @Test
    void arityAndValueErrors() {
      assertThat(errors("listener")).containsExactly("flux.conf:1: listener: missing value; accepted: listener PORT"
          + " [ADDRESS], PORT an integer from 0 to 65535 (0 = any free port), ADDRESS an IP address or host name"
          + " (default: all interfaces)");
      assertThat(errors("listener 1883 127.0.0.1 extra")).singleElement().asString()
          .startsWith("flux.conf:1: listener: unexpected extra argument \"extra\"");
      assertThat(errors("listener 70000")).singleElement().asString().contains("70000 is out of range");
      assertThat(errors("listener 0 /run/mosquitto.sock")).singleElement().asString()
          .contains("Unix sockets are not supported");
    }

    @Test
    void declaredListenersRefuseAnonymousUnlessAllowedAsInMosquitto2() throws ConfigException {
      ConfigParser.Result closed = parse("listener 1883 127.0.0.1");
      assertThat(closed.config().allowAnonymous()).isFalse();
      assertThat(closed.warnings()).singleElement().asString()
          .startsWith("flux.conf: allow_anonymous: not set while listeners are declared");

      assertThat(config("listener 1883 127.0.0.1", "allow_anonymous true").allowAnonymous()).isTrue();
      assertThat(parse("listener 1883 127.0.0.1", "allow_anonymous false").warnings()).isEmpty();
    }

    @Test
    void perListenerSettingsIsHarmlessWithOneListenerOnly() throws ConfigException {
      assertThat(parse("per_listener_settings true", "listener 1883 127.0.0.1", "allow_anonymous true").warnings())
          .containsExactly("flux.conf:1: per_listener_settings" + COMPAT);
      assertThat(parse("per_listener_settings false", "listener 1883 ::1", "listener 1884 ::1", "allow_anonymous true")
          .warnings()).containsExactly("flux.conf:1: per_listener_settings" + COMPAT);
      assertThat(errors("per_listener_settings true", "listener 1883 ::1", "listener 1884 ::1", "allow_anonymous true"))
          .singleElement().asString()
          .startsWith("flux.conf:1: per_listener_settings: true with several listeners is not supported yet");
    }
  }

  @Nested
  class Rejections {

    @ParameterizedTest
    @ValueSource(strings = {"capath /etc/ssl/certs", "psk_file /etc/psk", "plugin /usr/lib/auth.so", "plugin_opt_db x"})
    void securityKeysStopStartUp(String line) {
      String key = line.substring(0, line.indexOf(' '));
      assertThat(errors("listener 8883 127.0.0.1", line)).containsExactly("flux.conf:2: " + key
          + ": a Mosquitto security option Flux does not support; remove it (Flux refuses to start rather than"
          + " ignore a security setting; docs/security.md lists what Flux offers)");
    }

    @Test
    void unknownKeySuggestsTheClosestKnownKey() {
      assertThat(errors("max_inflight_message 10")).containsExactly(
          "flux.conf:1: max_inflight_message: unknown key; did you mean \"max_inflight_messages\"?");
      assertThat(errors("Listener 1883"))
          .containsExactly("flux.conf:1: Listener: unknown key; did you mean \"listener\"?");
      assertThat(errors("log_dset stdout"))
          .containsExactly("flux.conf:1: log_dset: unknown key; did you mean \"log_dest\"?");
      assertThat(errors("frobnicate 1")).containsExactly(
          "flux.conf:1: frobnicate: unknown key; accepted: the keys listed in docs/configuration.md");
    }

    @Test
    void unsupportedMosquittoKeysAreNamedAsSuch() {
      assertThat(errors("max_qos 1")).singleElement().asString()
          .isEqualTo("flux.conf:1: max_qos: a Mosquitto option Flux does not support; remove it"
              + " (docs/configuration.md lists the accepted keys)");
      assertThat(errors("bridge_protocol_version mqttv311")).singleElement().asString()
          .contains("a Mosquitto option Flux does not support");
    }

    @Test
    void trailingCommentIsAnExtraArgumentWithAHint() {
      assertThat(errors("max_keepalive 60 # one minute")).containsExactly("flux.conf:1: max_keepalive:"
          + " unexpected extra argument \"#\" (a comment must be on a line of its own); accepted: an integer"
          + " from 0 to 65535 seconds (0 = no maximum)");
    }

    @Test
    void missingValue() {
      assertThat(errors("allow_anonymous")).containsExactly(
          "flux.conf:1: allow_anonymous: missing value; accepted: true or false");
    }

    @Test
    void everyErrorIsReportedAtOnceLineErrorsFirstThenWholeFileChecks() {
      ConfigException e = null;
      try {
        parse("listener 1883 127.0.0.1", "max_inflight_messages abc", "allow_anonymous true", "max_keepalive -5",
            "password_file /nonexistent/passwd", "listnr 1884", "message_size_limit 5000", "max_packet_size 4000",
            "listener 1883 127.0.0.1");
      } catch (ConfigException thrown) {
        e = thrown;
      }
      assertThat(e).isNotNull();
      assertThat(e.errors()).extracting(error -> String.join(": ", List.of(error.split(": ", 3)).subList(0, 2)))
          .containsExactly("flux.conf:2: max_inflight_messages", "flux.conf:4: max_keepalive",
              "flux.conf:5: password_file", "flux.conf:6: listnr", "flux.conf:9: listener",
              "flux.conf:8: max_packet_size");
      assertThat(e.getMessage().lines().toList()).isEqualTo(e.errors());
    }
  }

  @Nested
  class FilesAndIncludes {

    @TempDir
    Path dir;

    @Test
    void parsesAFileUsingItsPathInMessages() throws IOException, ConfigException {
      Path file = Files.writeString(dir.resolve("flux.conf"), "max_keepalive 30\nlog_type all\n");

      ConfigParser.Result result = ConfigParser.parse(file);

      assertThat(result.config().maxKeepalive()).isEqualTo(30);
      assertThat(result.warnings()).containsExactly(file + ":2: log_type" + COMPAT);
    }

    @Test
    void missingFileIsAConfigException() {
      Path missing = dir.resolve("absent.conf");
      try {
        ConfigParser.parse(missing);
        fail("expected a ConfigException");
      } catch (ConfigException e) {
        assertThat(e.errors()).containsExactly(missing + ": cannot read the configuration file: no such file");
      }
    }

    @Test
    void includeDirReadsConfFilesInNameOrderAtItsPosition() throws IOException, ConfigException {
      Path conf = Files.createDirectory(dir.resolve("conf.d"));
      Files.writeString(conf.resolve("b.conf"), "max_keepalive 20\n");
      Files.writeString(conf.resolve("a.conf"), "max_keepalive 10\nlog_dest stdout\n");
      Files.writeString(conf.resolve("B.conf"), "max_inflight_messages 7\n");
      Files.writeString(conf.resolve("notes.txt"), "this is not configuration\n");

      ConfigParser.Result result = parse("max_inflight_messages 1", "include_dir " + conf, "persistence true");

      assertThat(result.config().maxKeepalive()).isEqualTo(20);
      assertThat(result.config().maxInflightMessages()).isEqualTo(7);
      assertThat(result.config().persistence()).isTrue();
      assertThat(result.warnings()).containsExactly(conf.resolve("a.conf") + ":2: log_dest" + COMPAT);
    }

    @Test
    void includeDirErrors() throws IOException {
      Path conf = Files.createDirectory(dir.resolve("conf.d"));
      Files.writeString(conf.resolve("nested.conf"), "include_dir /etc\nmax_keepalive x\n");

      assertThat(errors("include_dir " + dir.resolve("absent"))).singleElement().asString()
          .startsWith("flux.conf:1: include_dir: \"" + dir.resolve("absent") + "\" is not a directory");
      assertThat(errors("include_dir " + conf)).containsExactly(
          conf.resolve("nested.conf") + ":1: include_dir: allowed only in the main configuration file, as in"
              + " Mosquitto; accepted: a directory whose *.conf files are read in name order",
          conf.resolve("nested.conf") + ":2: max_keepalive: \"x\" is not a number; accepted: an integer from 0"
              + " to 65535 seconds (0 = no maximum)");
    }

    @Test
    void errorsInIncludedFilesKeepTheirPlaceInFileOrder() throws IOException {
      Path conf = Files.createDirectory(dir.resolve("conf.d"));
      Files.writeString(conf.resolve("limits.conf"), "max_keepalive x\n");

      assertThat(errors("persistence maybe", "include_dir " + conf, "max_inflight_messages y"))
          .extracting(error -> error.substring(0, error.indexOf(": ", error.indexOf(".conf:"))))
          .containsExactly("flux.conf:1", conf.resolve("limits.conf") + ":1", "flux.conf:3");
    }

    @Test
    void includeDirMustNotHoldTheMainFile() throws IOException {
      Path main = Files.writeString(dir.resolve("main.conf"), "include_dir " + dir + "\n");
      try {
        ConfigParser.parse(main);
        fail("expected a ConfigException");
      } catch (ConfigException e) {
        assertThat(e.errors()).singleElement().asString()
            .startsWith(main + ":1: include_dir: \"" + dir + "\" holds the main configuration file");
      }
    }

    @Test
    void persistenceLocationKeepsSpacesAndIsTakenAsGiven() throws ConfigException {
      assertThat(config("persistence_location /var/lib/my data/").persistenceLocation())
          .isEqualTo(Path.of("/var/lib/my data/"));
      assertThat(config("persistence_location data").persistenceLocation()).isEqualTo(Path.of("data"));
    }

    @Test
    void persistenceSyncIsGroupCommitOrPeriodic() throws ConfigException {
      assertThat(config("persistence true").persistenceSyncMillis()).isZero();
      assertThat(config("persistence_sync group").persistenceSyncMillis()).isZero();
      assertThat(config("persistence_sync periodic 200").persistenceSyncMillis()).isEqualTo(200);
      assertThat(errors("persistence_sync periodic", "persistence_sync periodic 0", "persistence_sync fast"))
          .hasSize(3).allMatch(e -> e.contains("persistence_sync: ") && e.contains("is not group or periodic"));
    }
  }

  @Test
  void editDistance() {
    assertThat(ConfigParser.editDistance("listener", "listener")).isZero();
    assertThat(ConfigParser.editDistance("listnr", "listener")).isEqualTo(2);
    assertThat(ConfigParser.editDistance("PORT", "port")).isZero();
    assertThat(ConfigParser.editDistance("", "abc")).isEqualTo(3);
  }
}
