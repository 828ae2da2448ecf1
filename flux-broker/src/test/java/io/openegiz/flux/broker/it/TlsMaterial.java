package io.openegiz.flux.broker.it;

import io.openegiz.flux.pki.CertificateAuthority.KeyType;
import io.openegiz.flux.pki.CertificateAuthority;
import io.openegiz.flux.pki.Pem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A test CA valid for a day and a server certificate for localhost / 127.0.0.1 signed by it, written
 * as PEM files into {@code dir}: {@code ca.crt}, {@code server.crt}, {@code server.key}.
 */
record TlsMaterial(CertificateAuthority ca, Path caFile, Path certFile, Path keyFile) {
  static TlsMaterial create(Path dir) throws Exception {
    Duration day = Duration.ofDays(1);
    CertificateAuthority ca = CertificateAuthority.create("flux-test-ca", KeyType.EC, day);
    Path caFile = Files.writeString(dir.resolve("ca.crt"), Pem.text(ca.ca().certificate()));
    Path certFile = dir.resolve("server.crt");
    Path keyFile = dir.resolve("server.key");
    ca.server("localhost", List.of("localhost"), List.of("127.0.0.1"), KeyType.EC, day).write(certFile, keyFile);
    return new TlsMaterial(ca, caFile, certFile, keyFile);
  }
}
