package io.openegiz.flux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.openegiz.flux.broker.config.ConfigParser;
import io.openegiz.flux.broker.config.ListenerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The configuration docs/security.md tells operators to copy ("Secure in ten minutes") is
 * {@code deploy/flux.conf.example}: made with the same commands as in the doc, in a temporary /etc/flux, it
 * parses without errors or warnings and means what the doc says it does.
 */
class ExampleConfigTest {
  @TempDir
  Path etc;
  @TempDir
  Path log;

  private int flux(String... args) {
    CommandLine cl = new CommandLine(new FluxCommand());
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(new StringWriter(), true));
    cl.setErr(new PrintWriter(err, true));
    int rc = cl.execute(args);
    assertThat(rc).as("flux %s: %s", String.join(" ", args), err).isZero();
    return rc;
  }

  private static Path fromRoot(String relative) {
    Path p = Path.of(relative);
    return Files.exists(p) ? p : Path.of("..").resolve(p); // surefire runs in flux-cli/
  }

  @Test
  void theDocumentedConfigurationParsesCleanly() throws Exception {
    String certs = etc.resolve("certs").toString();
    flux("certs", "ca", "--dir", certs);
    flux("certs", "server", "--dir", certs, "--dns", "broker.factory.local", "--ip", "10.0.0.5");
    flux("certs", "device", "--dir", certs, "esp32-oven001-elec");
    flux("passwd", "-c", "-b", etc.resolve("passwd").toString(), "egizcore", "a-long-random-secret");
    Files.copy(fromRoot("deploy/mosquitto-style/acl.conf"), etc.resolve("acl.conf"));

    List<String> lines = Files.readAllLines(fromRoot("deploy/flux.conf.example")).stream()
        .map(l -> l.replace("/etc/flux", etc.toString()).replace("/var/log/flux", log.toString()))
        .toList();
    ConfigParser.Result r = ConfigParser.parse("flux.conf.example", lines);

    assertThat(r.warnings()).isEmpty();
    List<ListenerConfig> ls = r.config().listeners();
    assertThat(ls).extracting(ListenerConfig::port).containsExactly(8883, 8884, 1883);
    assertThat(ls.get(0).tls().requireCertificate()).isTrue();
    assertThat(ls.get(0).tls().useIdentityAsUsername()).isTrue();
    assertThat(ls.get(1).isTls()).isTrue();
    assertThat(ls.get(1).tls().requireCertificate()).isFalse();
    assertThat(ls.get(2).isTls()).isFalse();
    assertThat(ls.get(2).loopbackOnly()).isTrue();
    assertThat(r.config().allowAnonymous()).isFalse();
    assertThat(r.config().security().passwordFile()).isEqualTo(etc.resolve("passwd"));
    assertThat(r.config().security().aclFile()).isEqualTo(etc.resolve("acl.conf"));
    assertThat(r.config().security().auditLog()).isEqualTo(log.resolve("audit.log").toString());
    assertThat(r.config().security().userLimits()).containsKey("egizcore");
  }
}
