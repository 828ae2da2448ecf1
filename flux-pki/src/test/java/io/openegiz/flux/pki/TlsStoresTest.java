package io.openegiz.flux.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openegiz.flux.pki.CertificateAuthority.Issued;
import io.openegiz.flux.pki.CertificateAuthority.KeyType;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key and trust managers from PEM files, proven by a real TLS 1.3 handshake with client authentication. */
class TlsStoresTest {
  private static final Duration DAY = Duration.ofDays(1);

  @TempDir
  Path dir;

  @Test
  void managersFromPemFilesCompleteAMutualHandshake() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("tls-test-ca", KeyType.EC, DAY);
    Path caFile = Files.writeString(dir.resolve("ca.crt"), Pem.text(ca.ca().certificate()));
    ca.server("localhost", List.of("localhost"), List.of("127.0.0.1"), KeyType.EC, DAY)
        .write(dir.resolve("server.crt"), dir.resolve("server.key"));
    ca.client("device-1", KeyType.RSA, DAY).write(dir.resolve("device.crt"), dir.resolve("device.key"));

    SSLContext server = context(dir.resolve("server.crt"), dir.resolve("server.key"), caFile);
    SSLContext client = context(dir.resolve("device.crt"), dir.resolve("device.key"), caFile);

    assertThat(handshake(server, client).getSubjectX500Principal().getName()).isEqualTo("CN=device-1");
  }

  @Test
  void aServerOfAnotherCaIsNotTrusted() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("trusted", KeyType.EC, DAY);
    Issued foreign = CertificateAuthority.create("foreign", KeyType.EC, DAY)
        .server("localhost", List.of("localhost"), List.of("127.0.0.1"), KeyType.EC, DAY);
    foreign.write(dir.resolve("server.crt"), dir.resolve("server.key"));
    ca.client("device-1", KeyType.EC, DAY).write(dir.resolve("device.crt"), dir.resolve("device.key"));
    Path caFile = Files.writeString(dir.resolve("ca.crt"), Pem.text(ca.ca().certificate()));

    SSLContext server = context(dir.resolve("server.crt"), dir.resolve("server.key"), caFile);
    SSLContext client = context(dir.resolve("device.crt"), dir.resolve("device.key"), caFile);

    assertThatThrownBy(() -> handshake(server, client)).isInstanceOf(SSLHandshakeException.class);
  }

  private static SSLContext context(Path cert, Path key, Path caFile) throws Exception {
    SSLContext c = SSLContext.getInstance("TLSv1.3");
    c.init(TlsStores.keys(cert, key).getKeyManagers(), TlsStores.trust(caFile).getTrustManagers(), null);
    return c;
  }

  /** The client certificate the server saw. */
  private static X509Certificate handshake(SSLContext server, SSLContext client) throws Exception {
    try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory()
        .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      listener.setNeedClientAuth(true);
      CompletableFuture<X509Certificate> seen = CompletableFuture.supplyAsync(() -> {
        try (SSLSocket s = (SSLSocket) listener.accept()) {
          s.startHandshake();
          return (X509Certificate) s.getSession().getPeerCertificates()[0];
        } catch (Exception e) {
          return null;
        }
      });
      try (SSLSocket s = (SSLSocket) client.getSocketFactory()
          .createSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
        s.startHandshake();
        s.getOutputStream().write(1); // TLS 1.3: the server checks the client certificate after the client's Finished
        s.getOutputStream().flush();
        X509Certificate peer = seen.get(10, TimeUnit.SECONDS);
        assertThat(peer).isNotNull();
        return peer;
      }
    }
  }
}
