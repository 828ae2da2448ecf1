package io.openegiz.flux.fleet.bench;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.openegiz.flux.pki.CertificateAuthority.Issued;
import io.openegiz.flux.pki.CertificateAuthority.KeyType;
import io.openegiz.flux.pki.CertificateAuthority;
import io.openegiz.flux.pki.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * TLS material made at run time for a loopback benchmark: an ECDSA P-256 CA, a server certificate
 * for 127.0.0.1/localhost and one client certificate, written as PEM files both brokers can read.
 */
public record BenchTls(Path caFile, Path certFile, Path keyFile, Issued ca, Issued client) {
  private static final Duration VALIDITY = Duration.ofDays(2);

  /** Generates the CA and certificates into {@code dir}. */
  public static BenchTls generate(Path dir) throws IOException {
    Files.createDirectories(dir);
    CertificateAuthority authority = CertificateAuthority.create("flux bench CA", KeyType.EC, VALIDITY);
    Issued server = authority.server("localhost", List.of("localhost"), List.of("127.0.0.1"), KeyType.EC, VALIDITY);
    Issued client = authority.client("bench-client", KeyType.EC, VALIDITY);
    Path ca = dir.resolve("ca.crt");
    Files.writeString(ca, Pem.text(authority.ca().certificate()));
    Path cert = dir.resolve("server.crt");
    Path key = dir.resolve("server.key");
    server.write(cert, key);
    return new BenchTls(ca, cert, key, authority.ca(), client);
  }

  /**
   * mosquitto.conf lines for the listener declared just above them: TLS 1.3 only, and with
   * {@code clientCerts} a required client certificate whose CN becomes the username.
   */
  public String listenerConfig(boolean clientCerts) {
    StringBuilder b = new StringBuilder()
        .append("certfile ").append(certFile.toAbsolutePath()).append('\n')
        .append("keyfile ").append(keyFile.toAbsolutePath()).append('\n')
        .append("tls_version tlsv1.3\n");
    if (clientCerts) {
      b.append("cafile ").append(caFile.toAbsolutePath()).append('\n')
          .append("require_certificate true\n")
          .append("use_identity_as_username true\n");
    }
    return b.toString();
  }

  /** A JDK-provider TLS 1.3 client context trusting the CA, presenting the client certificate if asked. */
  public SslContext clientContext(boolean clientCerts) throws IOException {
    SslContextBuilder b = trusting();
    if (clientCerts) {
      b.keyManager(client.key(), client.certificate());
    }
    return b.build();
  }

  /**
   * A client context presenting a certificate of its own, issued now with {@code commonName}: the
   * username of a broker with use_identity_as_username.
   */
  public SslContext clientContext(String commonName) throws IOException {
    Issued own = CertificateAuthority.of(ca.certificate(), ca.key()).client(commonName, KeyType.EC, VALIDITY);
    return trusting().keyManager(own.key(), own.certificate()).build();
  }

  private SslContextBuilder trusting() {
    return SslContextBuilder.forClient().sslProvider(SslProvider.JDK).protocols("TLSv1.3")
        .trustManager(ca.certificate());
  }
}
