package io.openegiz.flux.broker.security;

import io.openegiz.flux.pki.CertificateAuthority.Issued;
import io.openegiz.flux.pki.CertificateAuthority;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Client certificates with subjects {@code flux certs} never writes (several CNs, control
 * characters, non-text values), signed by a test CA with an EC key, to show how the broker reads them.
 */
public final class OddCertificates {
  private static final SecureRandom RANDOM = new SecureRandom();

  private OddCertificates() {}

  /** One RDN per attribute, in the given order (the certificate's DER order). */
  public static X500Name subject(Object... typesAndValues) {
    RDN[] rdns = new RDN[typesAndValues.length / 2];
    for (int i = 0; i < rdns.length; i++) {
      rdns[i] = new RDN((ASN1ObjectIdentifier) typesAndValues[2 * i], (ASN1Encodable) typesAndValues[2 * i + 1]);
    }
    return new X500Name(rdns);
  }

  /** One multi-valued RDN, e.g. {@code CN=a+CN=b}. */
  public static X500Name multiValued(AttributeTypeAndValue... values) {
    return new X500Name(new RDN[] {new RDN(values)});
  }

  /** A one-day client certificate for {@code subject}, signed by {@code ca} (an EC CA). */
  public static Issued client(CertificateAuthority ca, X500Name subject) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      KeyPair kp = g.generateKeyPair();
      Instant now = Instant.now();
      var b = new JcaX509v3CertificateBuilder(ca.ca().certificate(), new BigInteger(64, RANDOM).add(BigInteger.ONE),
          Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(1))), subject, kp.getPublic());
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
      var cert = new JcaX509CertificateConverter()
          .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.ca().key())));
      return new Issued(cert, kp.getPrivate());
    } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException
        | org.bouncycastle.cert.CertIOException e) {
      throw new IllegalStateException("cannot issue a test certificate for " + subject, e);
    }
  }
}
