package io.openegiz.flux.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openegiz.flux.pki.CertificateAuthority.Issued;
import io.openegiz.flux.pki.CertificateAuthority.KeyType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {
  private static final Duration DAY = Duration.ofDays(1);

  @TempDir
  Path dir;

  @Test
  void aLoadedCaIssuesCertificatesItsCertificateVerifies() throws Exception {
    CertificateAuthority made = CertificateAuthority.create("ca-test", KeyType.RSA, DAY);
    made.ca().write(dir.resolve("ca.crt"), dir.resolve("ca.key"));

    CertificateAuthority loaded = CertificateAuthority.load(dir.resolve("ca.crt"), dir.resolve("ca.key"));
    Issued server = loaded.server("broker", List.of("broker.local"), List.of("127.0.0.1"), KeyType.EC, DAY);

    server.certificate().verify(made.ca().certificate().getPublicKey());
    assertThat(CertificateAuthority.keyTypeOf(loaded.ca().certificate())).isEqualTo(KeyType.RSA);
    assertThat(CertificateAuthority.keyTypeOf(server.certificate())).isEqualTo(KeyType.EC);
    assertThat(server.certificate().getSubjectAlternativeNames()).extracting(san -> (Object) san.get(1))
        .containsExactly((Object) "broker.local", "127.0.0.1");
    assertThat(Files.getPosixFilePermissions(dir.resolve("ca.key")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void aKeyOfAnotherCaIsRefused() throws Exception {
    CertificateAuthority one = CertificateAuthority.create("one", KeyType.EC, DAY);
    CertificateAuthority other = CertificateAuthority.create("other", KeyType.EC, DAY);
    one.ca().write(dir.resolve("ca.crt"), dir.resolve("one.key"));
    other.ca().write(dir.resolve("other.crt"), dir.resolve("ca.key"));

    assertThatThrownBy(() -> CertificateAuthority.load(dir.resolve("ca.crt"), dir.resolve("ca.key")))
        .isInstanceOf(IOException.class)
        .hasMessage(dir.resolve("ca.key") + " is not the private key of " + dir.resolve("ca.crt"));
  }
}
