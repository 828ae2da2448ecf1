package io.openegiz.flux.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.BrokerConfig;
import io.openegiz.flux.broker.config.ConfigParser;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS with parts we did not write: certificates and keys made by the openssl command line (an RSA CA,
 * a SEC1 EC server key, a PKCS#1 RSA client key — the forms openssl writes), `openssl s_client` to see
 * which TLS versions are negotiated, a password file written by the real mosquitto_passwd, and
 * mosquitto_pub/mosquitto_sub with --cafile/--cert/--key and -u/-P.
 */
class OpensslInteropIT {
  @TempDir
  Path dir;
  private int devicePort;
  private int servicePort;

  private String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as(String.join(" ", cmd)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return p.exitValue() + "\n" + out;
  }

  private void ok(String... cmd) throws Exception {
    String result = run(cmd);
    assertThat(result).as(String.join(" ", cmd)).startsWith("0\n");
  }

  /** Two distinct free ports: both sockets are open at once, so the system cannot hand out one port twice. */
  private static int[] twoFreePorts() throws IOException {
    try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0)) {
      return new int[] {a.getLocalPort(), b.getLocalPort()};
    }
  }

  @BeforeEach
  void opensslMaterial() throws Exception {
    ok("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
        "-days", "2", "-subj", "/CN=openssl-test-ca");
    // SEC1 "EC PRIVATE KEY", as `openssl ecparam -genkey` writes it
    ok("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "server.key");
    ok("openssl", "req", "-new", "-key", "server.key", "-subj", "/CN=localhost", "-out", "server.csr");
    Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    ok("openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "server.crt", "-days", "2", "-extfile", "san.ext");
    // PKCS#1 "RSA PRIVATE KEY" (-traditional), the other legacy form
    ok("openssl", "genrsa", "-traditional", "-out", "device.key", "2048");
    ok("openssl", "req", "-new", "-key", "device.key", "-subj", "/CN=esp32-oven001-elec", "-out", "device.csr");
    ok("openssl", "x509", "-req", "-in", "device.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "device.crt", "-days", "2");
    assertThat(Files.readString(dir.resolve("server.key"))).contains("BEGIN EC PRIVATE KEY");
    assertThat(Files.readString(dir.resolve("device.key"))).contains("BEGIN RSA PRIVATE KEY");
    ok("mosquitto_passwd", "-c", "-b", "passwd", "egizcore", "core-secret");
    int[] ports = twoFreePorts();
    devicePort = ports[0];
    servicePort = ports[1];
  }

  /** Devices on one listener (client certificates), services on another (TLS + password). */
  private FluxBroker broker() throws Exception {
    List<String> conf = List.of(
        "listener " + devicePort + " 127.0.0.1",
        "certfile " + dir.resolve("server.crt"), "keyfile " + dir.resolve("server.key"),
        "cafile " + dir.resolve("ca.crt"), "require_certificate true", "use_identity_as_username true",
        "listener " + servicePort + " 127.0.0.1",
        "certfile " + dir.resolve("server.crt"), "keyfile " + dir.resolve("server.key"),
        "password_file " + dir.resolve("passwd"), "allow_anonymous false", "max_publish_rate 0");
    BrokerConfig config = ConfigParser.parse("flux.conf", conf).config();
    return FluxBroker.builder(config).build().start();
  }

  @Test
  void opensslSClientNegotiatesTls13AndIsRefusedTls12() throws Exception {
    try (FluxBroker b = broker()) {
      String tls13 = run("openssl", "s_client", "-connect", "127.0.0.1:" + servicePort, "-tls1_3",
          "-CAfile", dir.resolve("ca.crt").toString(), "-brief");
      assertThat(tls13).contains("Protocol version: TLSv1.3").contains("Verification: OK");
      String tls12 = run("openssl", "s_client", "-connect", "127.0.0.1:" + servicePort, "-tls1_2",
          "-CAfile", dir.resolve("ca.crt").toString(), "-brief");
      assertThat(tls12).doesNotStartWith("0\n").doesNotContain("Protocol version: TLSv1.2");
    }
  }

  @Test
  void mosquittoClientsWithOpensslCertificatesAndWithAMosquittoPasswdFile() throws Exception {
    try (FluxBroker b = broker()) {
      String ca = dir.resolve("ca.crt").toString();
      Process sub = new ProcessBuilder("mosquitto_sub", "-h", "127.0.0.1", "-p", String.valueOf(devicePort),
          "--cafile", ca, "--cert", dir.resolve("device.crt").toString(), "--key", dir.resolve("device.key").toString(),
          "-t", "openegiz/#", "-C", "1", "-W", "15", "-i", "dev-sub").redirectErrorStream(true).start();
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15))
          .until(() -> b.context().sessions().get("dev-sub") != null);
      assertThat(b.context().sessions().get("dev-sub").identity().username()).isEqualTo("esp32-oven001-elec");

      // A service with the password mosquitto_passwd wrote, over TLS on the other listener.
      ok("mosquitto_pub", "-h", "127.0.0.1", "-p", String.valueOf(servicePort), "--cafile", ca,
          "-u", "egizcore", "-P", "core-secret", "-t", "openegiz/f/oven/oven-001/command", "-m", "set", "-q", "1");
      assertThat(sub.waitFor(15, TimeUnit.SECONDS)).isTrue();
      assertThat(new String(sub.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim()).isEqualTo("set");

      String wrong = run("mosquitto_pub", "-h", "127.0.0.1", "-p", String.valueOf(servicePort), "--cafile", ca,
          "-u", "egizcore", "-P", "not-it", "-t", "x", "-m", "y", "-q", "1");
      assertThat(wrong).doesNotStartWith("0\n");
      // Without a client certificate the device listener refuses the handshake.
      String noCert = run("mosquitto_pub", "-h", "127.0.0.1", "-p", String.valueOf(devicePort), "--cafile", ca,
          "-t", "x", "-m", "y");
      assertThat(noCert).doesNotStartWith("0\n");
    }
  }
}
