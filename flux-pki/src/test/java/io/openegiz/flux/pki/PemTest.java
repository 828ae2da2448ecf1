package io.openegiz.flux.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openegiz.flux.pki.CertificateAuthority.Issued;
import io.openegiz.flux.pki.CertificateAuthority.KeyType;
import io.openegiz.flux.pki.Pem.PemException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM files as {@code flux certs} and openssl write them, and the errors for those that cannot be used. */
class PemTest {
  private static final Duration DAY = Duration.ofDays(1);
  private static final CertificateAuthority CA = CertificateAuthority.create("pem-test-ca", KeyType.EC, DAY);

  @TempDir
  Path dir;

  @Test
  void certificatesAreReadInFileOrder() throws Exception {
    Issued device = CA.client("dev-1", KeyType.EC, DAY);
    Path chain = Files.writeString(dir.resolve("chain.pem"),
        Pem.text(device.certificate()) + Pem.text(CA.ca().certificate()));

    assertThat(Pem.certificates(chain)).containsExactly(device.certificate(), CA.ca().certificate());
    assertThat(Pem.certificate(chain)).isEqualTo(device.certificate());
  }

  @Test
  void aFileWithoutCertificatesNamesTheFileAndWhatIsAccepted() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty.pem"), "");
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN CERTIFICATE-----\n!!!\n");

    assertThatThrownBy(() -> Pem.certificates(empty)).isInstanceOf(PemException.class)
        .hasMessage(empty + ": holds no certificate; accepted: PEM certificates");
    assertThatThrownBy(() -> Pem.certificates(garbage)).isInstanceOf(PemException.class)
        .hasMessageStartingWith(garbage + ": not a readable PEM certificate file");
    assertThatThrownBy(() -> Pem.certificates(dir.resolve("missing.pem"))).isInstanceOf(PemException.class)
        .satisfies(e -> assertThat(((PemException) e).file()).isEqualTo(dir.resolve("missing.pem")));
  }

  @Test
  void keysAreReadInEveryFormOpensslWrites() throws Exception {
    for (KeyType type : KeyType.values()) {
      Issued issued = CA.client("dev-" + type, type, DAY);
      Path pkcs8 = Files.writeString(dir.resolve(type + ".pkcs8.key"), Pem.text(issued.key()));
      // openssl's traditional form: PKCS#1 for RSA, SEC1 for EC
      Path traditional = dir.resolve(type + ".traditional.key");
      if (type == KeyType.RSA) {
        openssl("rsa", "-traditional", "-in", pkcs8.toString(), "-out", traditional.toString());
      } else {
        openssl("ec", "-in", pkcs8.toString(), "-out", traditional.toString());
      }
      String header = type == KeyType.RSA ? "BEGIN RSA PRIVATE" : "BEGIN EC PRIVATE";
      assertThat(Files.readString(traditional)).contains(header);

      assertThat(secret(Pem.privateKey(pkcs8))).isEqualTo(secret(issued.key()));
      assertThat(secret(Pem.privateKey(traditional))).isEqualTo(secret(issued.key()));
    }
  }

  @Test
  void anEncryptedKeyIsRefusedWithWhatIsAccepted() throws Exception {
    Path plain = Files.writeString(dir.resolve("plain.key"), Pem.text(CA.ca().key()));
    Path encrypted = dir.resolve("encrypted.key");
    openssl("pkcs8", "-topk8", "-in", plain.toString(), "-out", encrypted.toString(), "-passout", "pass:secret");

    assertThatThrownBy(() -> Pem.privateKey(encrypted)).isInstanceOf(PemException.class)
        .hasMessageContaining("(encrypted keys are not supported)")
        .hasMessageContaining("accepted: an unencrypted PEM private key (PKCS#8, PKCS#1 or SEC1)");
  }

  @Test
  void aCertificateIsNotAKey() throws Exception {
    Path cert = Files.writeString(dir.resolve("ca.crt"), Pem.text(CA.ca().certificate()));
    Path empty = Files.writeString(dir.resolve("empty.key"), "");

    assertThatThrownBy(() -> Pem.privateKey(cert)).isInstanceOf(PemException.class)
        .hasMessage(cert + ": holds a X509CertificateHolder; accepted: an unencrypted PEM private key"
            + " (PKCS#8, PKCS#1 or SEC1), RSA or ECDSA");
    assertThatThrownBy(() -> Pem.privateKey(empty)).isInstanceOf(PemException.class)
        .satisfies(e -> assertThat(((PemException) e).problem()).startsWith("holds no private key;"));
  }

  @Test
  void crlsRoundTrip() throws Exception {
    Issued revoked = CA.client("revoked", KeyType.EC, DAY);
    Path file = Files.writeString(dir.resolve("ca.crl"), Pem.text(CA.crl(List.of(revoked.certificate()), DAY)));

    X509CRL crl = Pem.crls(file).get(0);
    crl.verify(CA.ca().certificate().getPublicKey());
    assertThat(crl.isRevoked(revoked.certificate())).isTrue();
    assertThatThrownBy(() -> Pem.crls(Files.writeString(dir.resolve("none.crl"), "")))
        .isInstanceOf(PemException.class).hasMessageContaining("holds no CRL");
  }

  private static BigInteger secret(PrivateKey key) {
    return key instanceof ECPrivateKey ec ? ec.getS() : ((RSAPrivateKey) key).getPrivateExponent();
  }

  private static void openssl(String... args) throws Exception {
    String[] command = new String[args.length + 1];
    command[0] = "openssl";
    System.arraycopy(args, 0, command, 1, args.length);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }
}
