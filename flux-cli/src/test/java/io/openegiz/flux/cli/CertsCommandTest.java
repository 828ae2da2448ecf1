package io.openegiz.flux.cli;

import io.openegiz.flux.pki.CertificateAuthority;
import io.openegiz.flux.pki.Pem;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code flux certs} writes files the JDK accepts, with the promised defaults, and refuses what it should. */
class CertsCommandTest {
  @TempDir
  Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int certs(String... args) {
    CommandLine cl = new CommandLine(new FluxCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 1];
    all[0] = "certs";
    System.arraycopy(args, 0, all, 1, args.length);
    return cl.execute(all);
  }

  private X509Certificate cert(String relative) throws Exception {
    return Pem.certificate(dir.resolve(relative));
  }

  private void validates(X509Certificate leaf) throws Exception {
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(cert("ca.crt"), null)));
    params.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX").validate(
        CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)), params);
  }

  private X509CRL crl() throws Exception {
    try (var in = Files.newInputStream(dir.resolve("ca.crl"))) {
      return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(in);
    }
  }

  @Test
  void defaultsAreEcP256With90DayLeavesAndA10YearCa() throws Exception {
    String d = dir.toString();
    assertThat(certs("ca", "--dir", d)).isZero();
    assertThat(certs("server", "--dir", d, "--dns", "broker.factory.local", "--dns", "localhost",
        "--ip", "127.0.0.1")).isZero();
    assertThat(certs("device", "--dir", d, "esp32-oven001-elec", "esp32-oven001-therm")).isZero();

    X509Certificate ca = cert("ca.crt");
    assertThat(Duration.between(ca.getNotBefore().toInstant(), ca.getNotAfter().toInstant()).toDays())
        .isBetween(3650L, 3651L);
    X509Certificate server = cert("server.crt");
    validates(server);
    assertThat(server.getSubjectAlternativeNames().stream().map(l -> (Object) l.get(1)).toList())
        .containsExactly("broker.factory.local", "localhost", "127.0.0.1");
    assertThat(server.getSubjectX500Principal().getName()).isEqualTo("CN=broker.factory.local");
    for (String id : List.of("esp32-oven001-elec", "esp32-oven001-therm")) {
      X509Certificate device = cert("devices/" + id + ".crt");
      validates(device);
      assertThat(device.getSubjectX500Principal().getName()).isEqualTo("CN=" + id);
      assertThat(device.getPublicKey()).isInstanceOf(ECPublicKey.class);
      assertThat(((ECPublicKey) device.getPublicKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
      assertThat(Duration.between(device.getNotBefore().toInstant(), device.getNotAfter().toInstant()).toDays())
          .isBetween(90L, 91L);
      assertThat(device.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
      assertThat(Files.getPosixFilePermissions(dir.resolve("devices/" + id + ".key")))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }
    assertThat(Files.getPosixFilePermissions(dir.resolve("ca.key")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(crl().getRevokedCertificates()).isNull();
    assertThat(out.toString()).doesNotContain("PRIVATE KEY");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void rsaOnRequest() throws Exception {
    assertThat(certs("ca", "--dir", dir.toString(), "--rsa", "--days", "365", "--name", "Plant CA")).isZero();
    assertThat(certs("device", "--dir", dir.toString(), "--rsa", "--days", "30", "esp32-rsa")).isZero();
    X509Certificate device = cert("devices/esp32-rsa.crt");
    validates(device);
    assertThat(((RSAPublicKey) device.getPublicKey()).getModulus().bitLength()).isEqualTo(2048);
    assertThat(((RSAPublicKey) cert("ca.crt").getPublicKey()).getModulus().bitLength()).isEqualTo(2048);
    assertThat(cert("ca.crt").getSubjectX500Principal().getName()).isEqualTo("CN=Plant CA");
  }

  @Test
  void refusesToOverwriteAndExplainsBadInput() throws Exception {
    String d = dir.toString();
    assertThat(certs("server", "--dir", d, "--dns", "x")).isEqualTo(1);
    assertThat(err.toString()).contains("no CA here").contains("flux certs ca --dir");
    assertThat(certs("ca", "--dir", d)).isZero();
    byte[] caBefore = Files.readAllBytes(dir.resolve("ca.crt"));
    assertThat(certs("ca", "--dir", d)).isEqualTo(1);
    assertThat(err.toString()).contains("already exists").contains("--force");
    assertThat(Files.readAllBytes(dir.resolve("ca.crt"))).isEqualTo(caBefore);

    assertThat(certs("device", "--dir", d, "Oven/1")).isEqualTo(1);
    assertThat(err.toString()).contains("device id \"Oven/1\"").contains("a-z, 0-9, '-' and '_'");
    assertThat(certs("device", "--dir", d, "a+b")).isEqualTo(1);
    assertThat(certs("server", "--dir", d)).isEqualTo(1);
    assertThat(err.toString()).contains("at least one --dns NAME or --ip ADDRESS");
    assertThat(certs("server", "--dir", d, "--ip", "300.1.1.1")).isEqualTo(1);
    assertThat(certs("server", "--dir", d, "--dns", "bad_name.local")).isEqualTo(1);
    assertThat(certs("device", "--dir", d, "--days", "4000", "esp32-x")).isEqualTo(1);
    assertThat(err.toString()).contains("would outlive the CA");
    assertThat(dir.resolve("devices/esp32-x.crt")).doesNotExist();

    assertThat(certs("device", "--dir", d, "esp32-x")).isZero();
    assertThat(certs("device", "--dir", d, "esp32-x")).isEqualTo(1);
    assertThat(err.toString()).contains("flux certs renew esp32-x");
    assertThat(certs("revoke", "--dir", d, "esp32-unknown")).isEqualTo(1);
    assertThat(err.toString()).contains("no device \"esp32-unknown\"");
  }

  @Test
  void revocationsAccumulateInTheCrlAndShowInTheList() throws Exception {
    String d = dir.toString();
    certs("ca", "--dir", d);
    certs("device", "--dir", d, "esp32-a", "esp32-b", "esp32-c");
    assertThat(certs("revoke", "--dir", d, "esp32-a")).isZero();
    assertThat(certs("revoke", "--dir", d, "esp32-b")).isZero();
    X509CRL crl = crl();
    crl.verify(cert("ca.crt").getPublicKey());
    assertThat(crl.getNextUpdate())
        .isAfter(new java.util.Date(System.currentTimeMillis() + Duration.ofDays(300).toMillis()));
    assertThat(crl.isRevoked(cert("devices/esp32-a.crt"))).isTrue();
    assertThat(crl.isRevoked(cert("devices/esp32-b.crt"))).isTrue();
    assertThat(crl.isRevoked(cert("devices/esp32-c.crt"))).isFalse();

    assertThat(certs("list", "--dir", d)).isZero();
    assertThat(out.toString()).containsPattern("device +esp32-a +\\p{XDigit}+ +\\S+ +89 revoked")
        .containsPattern("device +esp32-c +\\p{XDigit}+ +\\S+ +89 valid");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void renewKeepsNamesAndKeyTypeAndListWarnsBeforeExpiry() throws Exception {
    String d = dir.toString();
    certs("ca", "--dir", d);
    certs("server", "--dir", d, "--rsa", "--days", "20", "--dns", "broker.local", "--ip", "10.0.0.5");
    certs("device", "--dir", d, "--days", "10", "esp32-soon");
    assertThat(certs("list", "--dir", d)).isZero();
    assertThat(err.toString()).contains("warning: server server expires in 19 days")
        .contains(
            "warning: device esp32-soon expires in 9 days; renew it: flux certs renew --dir " + d + " esp32-soon");

    X509Certificate oldServer = cert("server.crt");
    assertThat(certs("renew", "--dir", d, "--server", "server")).isZero();
    assertThat(certs("renew", "--dir", d, "esp32-soon")).isZero();
    X509Certificate server = cert("server.crt");
    assertThat(server.getSerialNumber()).isNotEqualTo(oldServer.getSerialNumber());
    assertThat(List.copyOf(server.getSubjectAlternativeNames()))
        .isEqualTo(List.copyOf(oldServer.getSubjectAlternativeNames()));
    assertThat(server.getPublicKey()).isInstanceOf(RSAPublicKey.class);
    assertThat(Duration.between(server.getNotBefore().toInstant(), server.getNotAfter().toInstant()).toDays())
        .isBetween(90L, 91L);
    validates(cert("devices/esp32-soon.crt"));

    err.getBuffer().setLength(0);
    assertThat(certs("list", "--dir", d)).isZero();
    assertThat(err.toString()).isEmpty();
    assertThat(out.toString()).containsPattern("device +esp32-soon +\\p{XDigit}+ +\\S+ +9 replaced");
  }

  @Test
  void checkListsWhatIsDueWithinTheWindowAndFailsThen() throws Exception {
    String d = dir.toString();
    certs("ca", "--dir", d);
    certs("server", "--dir", d, "--dns", "broker.local");
    assertThat(certs("check", "--dir", d)).isZero();
    assertThat(out.toString()).contains("nothing expires within 30 days");

    certs("device", "--dir", d, "--days", "10", "esp32-soon");
    certs("device", "--dir", d, "--days", "60", "esp32-later");
    out.getBuffer().setLength(0);
    assertThat(certs("check", "--dir", d)).isEqualTo(1);
    assertThat(out.toString()).containsPattern("device +esp32-soon +\\S+ +9 due")
        .doesNotContain("esp32-later").doesNotContain("server ");
    assertThat(err.toString()).contains("1 due within 30 days");

    out.getBuffer().setLength(0);
    assertThat(certs("check", "--dir", d, "--days", "5")).isZero();
    assertThat(certs("check", "--dir", d, "--days", "100")).isEqualTo(1);
    assertThat(out.toString()).contains("esp32-soon").containsPattern("device +esp32-later +\\S+ +59 due")
        .containsPattern("server +server +\\S+ +89 due");
  }

  @Test
  void checkSkipsRevokedAndReplacedCertificates() throws Exception {
    String d = dir.toString();
    certs("ca", "--dir", d);
    certs("device", "--dir", d, "--days", "10", "esp32-renewed", "esp32-revoked");
    assertThat(certs("renew", "--dir", d, "esp32-renewed")).isZero();
    assertThat(certs("revoke", "--dir", d, "esp32-revoked")).isZero();
    out.getBuffer().setLength(0);
    assertThat(certs("check", "--dir", d)).isZero();
    assertThat(out.toString()).contains("nothing expires");
  }

  @Test
  void checkReportsAnExpiredCrl() throws Exception {
    String d = dir.toString();
    certs("ca", "--dir", d);
    X509CRL expired = CertificateAuthority.load(dir.resolve("ca.crt"), dir.resolve("ca.key"))
        .crl(java.util.Map.of(), Duration.ofSeconds(-30));
    Files.writeString(dir.resolve("ca.crl"), Pem.text(expired));
    out.getBuffer().setLength(0);
    assertThat(certs("check", "--dir", d)).isEqualTo(1);
    assertThat(out.toString()).containsPattern("crl +ca.crl +\\S+ +0 expired");

    assertThat(certs("crl", "--dir", d)).isZero();
    out.getBuffer().setLength(0);
    assertThat(certs("check", "--dir", d)).isZero();
    assertThat(certs("check", "--dir", d, "--days", "400")).isEqualTo(1);
    assertThat(out.toString()).containsPattern("crl +ca.crl +\\S+ +36[45] due");

    Files.delete(dir.resolve("ca.crl"));
    out.getBuffer().setLength(0);
    assertThat(certs("check", "--dir", d)).isEqualTo(1);
    assertThat(out.toString()).containsPattern("crl +ca.crl +- +- missing");
  }

  @Test
  void deviceIdsOfServiceUsersAreRefusedUnlessForced() throws Exception {
    String d = dir.toString();
    assertThat(certs("ca", "--dir", d)).isZero();
    assertThat(certs("device", "--dir", d, "esp32-oven001-elec", "egizcore")).isEqualTo(1);
    assertThat(err.toString()).contains("flux certs device: device id \"egizcore\" is a service user of the shipped"
        + " setup; a device with this certificate CN or username would log in with that service's rights; accepted:"
        + " any other device id (reserved: archiver, egizcore, grafana, ml-service, monitoring, prometheus,"
        + " telegraf); or --force if it really is a device");
    assertThat(dir.resolve("devices/esp32-oven001-elec.crt")).doesNotExist(); // nothing half done
    assertThat(dir.resolve("devices/egizcore.crt")).doesNotExist();

    // With --acl, the users that file gives rights beyond one equipment are services too; devices are not.
    Path acl = Files.writeString(dir.resolve("acl.conf"), """
        user esp32-oven001-elec
        topic write openegiz/+/+/oven-001/electrical/telemetry
        topic read openegiz/+/+/oven-001/command
        user line-dashboard
        topic read openegiz/factory-a/+/+/+/status
        pattern write devices/%u/#
        """);
    assertThat(certs("device", "--dir", d, "--acl", acl.toString(), "line-dashboard")).isEqualTo(1);
    assertThat(err.toString()).contains("device id \"line-dashboard\" is a service user in " + acl);
    assertThat(certs("device", "--dir", d, "--acl", acl.toString(), "esp32-oven001-elec")).isZero();
    Files.writeString(acl, "user x\ntopic sometimes a/b\n");
    assertThat(certs("device", "--dir", d, "--acl", acl.toString(), "esp32-y")).isEqualTo(1);
    assertThat(err.toString()).contains("acl.conf:2: topic: bad access \"sometimes\"");

    assertThat(certs("device", "--dir", d, "--force", "egizcore")).isZero();
    assertThat(cert("devices/egizcore.crt").getSubjectX500Principal().getName()).isEqualTo("CN=egizcore");
  }
}
