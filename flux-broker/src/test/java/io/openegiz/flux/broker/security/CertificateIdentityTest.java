package io.openegiz.flux.broker.security;

import io.openegiz.flux.pki.CertificateAuthority.KeyType;
import io.openegiz.flux.pki.CertificateAuthority;
import java.io.ByteArrayInputStream;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CertificateIdentityTest {
  private static final CertificateAuthority CA = CertificateAuthority.create("test-ca", KeyType.EC, Duration.ofDays(1));

  private static X509Certificate cert(X500Name subject) {
    return OddCertificates.client(CA, subject).certificate();
  }

  @Test
  void theOnlyCnIsTheUsername() throws Exception {
    X509Certificate c = cert(OddCertificates.subject(BCStyle.O, new DERUTF8String("OpenEgiz"),
        BCStyle.CN, new DERUTF8String("esp32-oven001-elec")));
    assertThat(CertificateIdentity.commonName(c)).isEqualTo("esp32-oven001-elec");
    assertThat(CertificateIdentity.subject(c)).isEqualTo("CN=esp32-oven001-elec,O=OpenEgiz");
    assertThat(CertificateIdentity.commonName(CA.client("esp32-x", KeyType.EC, Duration.ofDays(1)).certificate()))
        .isEqualTo("esp32-x");
  }

  @Test
  void controlCharactersInTheCnAreRefused() {
    for (String cn : new String[] {"esp32-oven001-elec\u0000egizcore", "a\nb", "tab\there", "del\u007f", "c1\u0085"}) {
      X509Certificate c = cert(OddCertificates.subject(BCStyle.CN, new DERUTF8String(cn)));
      assertThatThrownBy(() -> CertificateIdentity.commonName(c)).as(cn)
          .isInstanceOf(CertificateIdentity.Refused.class).hasMessageContaining("control character U+")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContainPattern("\\p{Cc}"));
    }
  }

  @Test
  void aSubjectUsernameNeverHoldsARawControlCharacter() throws Exception {
    X509Certificate newline = cert(OddCertificates.subject(BCStyle.CN, new DERUTF8String("a\nb")));
    assertThatThrownBy(() -> CertificateIdentity.subject(newline)).isInstanceOf(CertificateIdentity.Refused.class)
        .hasMessageContaining("subject \"CN=a\\u000Ab\" contains the control character U+000A");
    // RFC 2253 rendering escapes NUL itself, so that subject is a harmless printable username.
    X509Certificate nul = cert(OddCertificates.subject(BCStyle.CN, new DERUTF8String("a\u0000b")));
    assertThat(CertificateIdentity.subject(nul)).isEqualTo("CN=a\\00b");
  }

  @Test
  void severalCnsAreRefusedWhereverTheyAre() {
    X509Certificate twoRdns = cert(OddCertificates.subject(BCStyle.CN, new DERUTF8String("esp32-oven001-elec"),
        BCStyle.CN, new DERUTF8String("egizcore")));
    X509Certificate oneRdn = cert(OddCertificates.multiValued(
        new AttributeTypeAndValue(BCStyle.CN, new DERUTF8String("esp32-oven001-elec")),
        new AttributeTypeAndValue(BCStyle.CN, new DERUTF8String("egizcore"))));
    for (X509Certificate c : new X509Certificate[] {twoRdns, oneRdn}) {
      assertThatThrownBy(() -> CertificateIdentity.commonName(c)).isInstanceOf(CertificateIdentity.Refused.class)
          .hasMessageContaining("has 2 CNs; accepted: exactly one CN");
    }
  }

  @Test
  void noEmptyOrNonTextCnIsRefused() throws Exception {
    X509Certificate none = cert(OddCertificates.subject(BCStyle.O, new DERPrintableString("OpenEgiz")));
    X509Certificate empty = cert(OddCertificates.subject(BCStyle.CN, new DERUTF8String("")));
    X509Certificate binary = cert(OddCertificates.subject(BCStyle.CN, new DEROctetString(new byte[] {1, 2})));
    assertThatThrownBy(() -> CertificateIdentity.commonName(none)).hasMessageContaining("has no CN");
    assertThatThrownBy(() -> CertificateIdentity.commonName(empty)).hasMessageContaining("CN is empty");
    assertThatThrownBy(() -> CertificateIdentity.commonName(binary)).hasMessageContaining("not a text string");
    // Java's own parser shows malformed UTF-8 as U+FFFD; it is refused, not an internal error.
    X509Certificate badUtf8 = cert(OddCertificates.subject(BCStyle.CN,
        ASN1Primitive.fromByteArray(new byte[] {0x0C, 3, 'a', (byte) 0xC3, 0x28})));
    assertThatThrownBy(() -> CertificateIdentity.commonName(badUtf8)).isInstanceOf(CertificateIdentity.Refused.class)
        .hasMessageContaining("the certificate CN is not valid text");
  }

  @Test
  void theSessionsLeafCertificateGivesTheUsername() throws Exception {
    X509Certificate leaf = CA.client("esp32-oven001-elec", KeyType.EC, Duration.ofDays(1)).certificate();
    Certificate[] chain = {leaf, CA.ca().certificate()};
    assertThat(CertificateIdentity.username(chain, true)).isEqualTo("esp32-oven001-elec");
    assertThat(CertificateIdentity.username(chain, false)).isEqualTo("CN=esp32-oven001-elec");
  }

  @Test
  void noCertificateOrOneThatIsNotX509IsAPreciseRefusal() {
    Certificate notX509 = new Certificate("PGP") {
      @Override
      public byte[] getEncoded() {
        return new byte[0];
      }

      @Override
      public void verify(PublicKey key) {}

      @Override
      public void verify(PublicKey key, String sigProvider) {}

      @Override
      public String toString() {
        return "PGP";
      }

      @Override
      public PublicKey getPublicKey() {
        return null;
      }
    };
    assertThatThrownBy(() -> CertificateIdentity.username(new Certificate[0], true))
        .isInstanceOf(CertificateIdentity.Refused.class).hasMessage("the client presented no certificate");
    assertThatThrownBy(() -> CertificateIdentity.username(new Certificate[] {notX509}, true))
        .isInstanceOf(CertificateIdentity.Refused.class)
        .hasMessage("the client certificate is of type PGP; accepted: X.509");
  }

  @Test
  void aSubjectThatCannotBeDecodedIsRefusedNotAnInternalError() throws Exception {
    // CN "ab" as a PrintableString (13 02 61 62), its tag then turned into SEQUENCE (30 02 61 62): the JDK
    // keeps the value as opaque DER, BouncyCastle cannot parse it. The signature no longer matches, which
    // does not matter here: the broker reads identities only from certificates TLS has verified.
    byte[] der = cert(OddCertificates.subject(BCStyle.CN, new DERPrintableString("ab"))).getEncoded();
    byte[] cn = {0x13, 2, 'a', 'b'};
    int at = indexOf(der, cn);
    assertThat(at).isPositive();
    der[at] = 0x30;
    X509Certificate odd = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(der));

    assertThatThrownBy(() -> CertificateIdentity.commonName(odd)).isInstanceOf(CertificateIdentity.Refused.class)
        .hasMessageStartingWith("the certificate ");
    assertThatThrownBy(() -> CertificateIdentity.username(new Certificate[] {odd}, true))
        .isInstanceOf(CertificateIdentity.Refused.class);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    return -1;
  }
}
