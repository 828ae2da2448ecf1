package io.openegiz.flux.broker.config;

import static io.openegiz.flux.broker.config.ConfigLines.parse;
import static io.openegiz.flux.broker.config.ConfigLines.errors;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-listener TLS keys with Mosquitto's names, and the rule for plain listeners off loopback. */
class TlsConfigParserTest {
  @TempDir
  Path dir;
  private String ca;
  private String cert;
  private String key;

  @BeforeEach
  void files() throws IOException {
    ca = Files.writeString(dir.resolve("ca.crt"), "x").toString();
    cert = Files.writeString(dir.resolve("server.crt"), "x").toString();
    key = Files.writeString(dir.resolve("server.key"), "x").toString();
  }

  @Test
  void tlsKeysApplyToTheListenerAboveThem() throws ConfigException {
    BrokerConfig c = parse("listener 1883 127.0.0.1", "listener 8883", "certfile " + cert, "keyfile " + key,
        "cafile " + ca, "require_certificate true", "use_identity_as_username true", "allow_anonymous false").config();
    assertThat(c.listeners().get(0).tls()).isNull();
    TlsConfig tls = c.listeners().get(1).tls();
    assertThat(tls.certfile()).isEqualTo(Path.of(cert));
    assertThat(tls.cafile()).isEqualTo(Path.of(ca));
    assertThat(tls.requireCertificate()).isTrue();
    assertThat(tls.useIdentityAsUsername()).isTrue();
    assertThat(tls.protocols()).containsExactly("TLSv1.3");
  }

  @Test
  void tls12OnlyWhenAsked() throws ConfigException {
    TlsConfig tls = parse("listener 8883", "certfile " + cert, "keyfile " + key, "tls_version tlsv1.2",
        "allow_anonymous false").config().listeners().get(0).tls();
    assertThat(tls.protocols()).containsExactly("TLSv1.3", "TLSv1.2");
    assertThat(errors("listener 8883", "certfile " + cert, "keyfile " + key, "tls_version tlsv1.1"))
        .singleElement().asString().startsWith("flux.conf:4: tls_version: \"tlsv1.1\" is an insecure TLS version");
  }

  @Test
  void inconsistentTlsSettingsAreAllReported() {
    assertThat(errors("listener 8883", "certfile " + cert, "require_certificate true",
        "use_identity_as_username true", "use_subject_as_username true", "keyfile /nonexistent/key.pem"))
        .containsExactly(
            "flux.conf:6: keyfile: \"/nonexistent/key.pem\": no such file; accepted: a path to a readable PEM file",
            "flux.conf:2: certfile: TLS on this listener needs both certfile and keyfile; accepted: add the missing"
                + " one after the listener line",
            "flux.conf:3: require_certificate: true needs a cafile to check client certificates against;"
                + " accepted: add cafile",
            "flux.conf:5: use_subject_as_username: cannot be combined with use_identity_as_username; accepted:"
                + " one of the two");
    assertThat(errors("listener 8883", "certfile " + cert, "keyfile " + key, "use_identity_as_username true"))
        .containsExactly("flux.conf:4: use_identity_as_username: true needs require_certificate true"
            + " (no certificate, no identity)");
  }

  @Test
  void plainListenerOffLoopbackNeedsExplicitConsent() throws ConfigException {
    assertThat(errors("listener 1883 0.0.0.0")).singleElement().asString().startsWith(
        "flux.conf:1: listener: plain MQTT on 0.0.0.0, which is not loopback, would send passwords and data"
            + " unencrypted; accepted: certfile and keyfile after this line for TLS, or \"allow_plain_listener"
            + " true\" after it to accept the risk");
    ListenerConfig l = parse("listener 1883 0.0.0.0", "allow_plain_listener true", "allow_anonymous false")
        .config().listeners().get(0);
    assertThat(l.allowPlain()).isTrue();
    assertThat(l.tls()).isNull();
    assertThat(parse("listener 1883 127.0.0.1").config().listeners().get(0).allowPlain()).isFalse();
  }
}
