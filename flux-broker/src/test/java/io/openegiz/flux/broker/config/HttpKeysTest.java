package io.openegiz.flux.broker.config;

import static io.openegiz.flux.broker.config.ConfigLines.config;
import static io.openegiz.flux.broker.config.ConfigLines.errors;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code http_listener PORT [ADDRESS]}: off by default, loopback unless an address is given. */
class HttpKeysTest {
  private static final String ACCEPTED = "; accepted: http_listener PORT [ADDRESS], PORT an integer from 0 to"
      + " 65535 (0 = any free port), ADDRESS an IP address or host name (default: 127.0.0.1, this machine only)";

  @Test
  void offByDefaultLoopbackWithoutAnAddress() throws ConfigException {
    assertThat(config().http()).isEqualTo(HttpConfig.NONE);
    assertThat(config().http().enabled()).isFalse();
    HttpConfig http = config("http_listener 9883").http();
    assertThat(http).isEqualTo(new HttpConfig(9883, "127.0.0.1", "flux.conf:1"));
    assertThat(http.loopbackOnly()).isTrue();
    HttpConfig all = config("listener 1883", "allow_plain_listener true", "allow_anonymous true",
        "http_listener 9883 0.0.0.0").http();
    assertThat(all.bindAddress()).isEqualTo("0.0.0.0");
    assertThat(all.loopbackOnly()).isFalse();
  }

  @Test
  void badValuesSayWhatIsAccepted() {
    assertThat(errors("http_listener", "http_listener 70000", "http_listener web", "http_listener 9883 /run/flux.sock",
        "http_listener 9883 http://0.0.0.0", "http_listener 9883 127.0.0.1 extra")).containsExactly(
            "flux.conf:1: http_listener: missing value" + ACCEPTED,
            "flux.conf:2: http_listener: 70000 is out of range" + ACCEPTED,
            "flux.conf:3: http_listener: \"web\" is not a number" + ACCEPTED,
            "flux.conf:4: http_listener: \"/run/flux.sock\" is a Unix socket path; the HTTP endpoint needs an IP"
                + " address or host name" + ACCEPTED,
            "flux.conf:5: http_listener: \"http://0.0.0.0\" is not an IP address or host name (no scheme or path)"
                + ACCEPTED,
            "flux.conf:6: http_listener: unexpected extra argument \"extra\"" + ACCEPTED);
  }

  @Test
  void thePortOfAnMqttListenerIsRefused() {
    assertThat(errors("listener 1883 0.0.0.0", "allow_plain_listener true", "http_listener 1883")).containsExactly(
        "flux.conf:3: http_listener: port 1883 on 127.0.0.1 is already an MQTT listener (flux.conf:1); accepted:"
            + " a port no MQTT listener uses on that address, e.g. 9883");
    assertThat(errors("http_listener 1883")).hasSize(1); // the default MQTT listener, 127.0.0.1:1883
  }

  @Test
  void credentialsAreCheckedWhenTheFileIsRead(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path token = java.nio.file.Files.writeString(dir.resolve("token"), "0123456789abcdef\n");
    java.nio.file.Path shortToken = java.nio.file.Files.writeString(dir.resolve("short"), "secret\n");
    ConfigParser.Result r = ConfigLines.parse("http_listener 9883 0.0.0.0", "http_auth_token_file " + token);
    assertThat(r.config().http().tokenFile()).isEqualTo(token);
    assertThat(r.config().http().authenticated()).isTrue();
    assertThat(ConfigLines.parse("http_listener 9883 0.0.0.0").warnings()).contains("flux.conf:1: http_listener:"
        + " 0.0.0.0 is not loopback and neither http_auth_token_file nor http_password_file is set: /metrics and"
        + " the status page (every device's topic levels, ids and state) are open to that network");
    assertThat(errors("http_listener 9883", "http_auth_token_file " + shortToken,
        "http_password_file " + dir.resolve("none"))).containsExactly(
            "flux.conf:2: http_auth_token_file: \"" + shortToken + "\" holds a token of 6 characters; accepted: a"
                + " readable file whose first line is the token, at least 16 characters",
            "flux.conf:3: http_password_file: \"" + dir.resolve("none") + "\": no such file; accepted: a readable"
                + " Mosquitto password file (flux passwd) of the users allowed in with HTTP basic auth");
    assertThat(errors("http_auth_token_file " + token)).containsExactly("flux.conf:1: http_auth_token_file: there is"
        + " no http_listener (and so no /metrics); accepted: with an http_listener line");
  }

  @Test
  void topicRatesHaveBoundedDefaultsAndValidatedFilters() throws ConfigException {
    assertThat(config("http_listener 9883").http().topics()).isEqualTo(TopicMetrics.DEFAULT);
    assertThat(config("http_listener 9883", "metrics_topic_filter electrical openegiz/+/+/+/electrical/#",
        "metrics_topic_hierarchy false", "metrics_topic_max_series 64").http().topics()).isEqualTo(new TopicMetrics(
            java.util.List.of(new TopicMetrics.Filter("electrical", "openegiz/+/+/+/electrical/#")), false, 64));
    assertThat(errors("http_listener 9883", "metrics_topic_filter Electrical a/#", "metrics_topic_filter other a/#",
        "metrics_topic_filter a a/#/b", "metrics_topic_filter b a/b+", "metrics_topic_filter c a/#",
        "metrics_topic_filter c b/#", "metrics_topic_max_series 100001"))
        .extracting(e -> e.substring(0, e.indexOf(';')))
        .containsExactly(
            "flux.conf:2: metrics_topic_filter: \"Electrical\" is not a valid name",
            "flux.conf:3: metrics_topic_filter: \"other\" is the name of what is beyond the cap",
            "flux.conf:4: metrics_topic_filter: \"a/#/b\" is not a valid topic filter ('+' fills a whole level, '#'"
                + " only the last)",
            "flux.conf:5: metrics_topic_filter: \"a/b+\" is not a valid topic filter ('+' fills a whole level, '#'"
                + " only the last)",
            "flux.conf:7: metrics_topic_filter: \"c\" is already declared",
            "flux.conf:8: metrics_topic_max_series: 100001 is out of range");
  }
}
