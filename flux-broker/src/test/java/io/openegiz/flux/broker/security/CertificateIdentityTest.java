package io.openegiz.flux.broker.security;

import io.openegiz.flux.pki.CertificateAuthority.KeyType;
import io.openegiz.flux.pki.CertificateAuthority;
import java.security.cert.X509Certificate;
import java.time.Duration;
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
}
