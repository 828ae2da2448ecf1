package io.openegiz.flux.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * An internal certificate authority: makes the CA, server and device certificates the system needs
 * (FR-2.1, SEC-7) without openssl. ECDSA P-256 by default (cheap handshakes on an ESP32), RSA 2048
 * on request. Used by {@code flux certs} and by tests that need TLS material made at test time.
 */
public final class CertificateAuthority {

  /** Key algorithm of a certificate. */
  public enum KeyType { EC, RSA }

  /** A certificate with its private key. */
  public record Issued(X509Certificate certificate, PrivateKey key) {

    /** Writes the certificate and key as PEM files (the key readable by the owner only). */
    public void write(Path certFile, Path keyFile) throws IOException {
      Files.writeString(certFile, Pem.text(certificate));
      Files.deleteIfExists(keyFile);
      Files.createFile(keyFile, PosixFiles.ownerOnly());
      Files.writeString(keyFile, Pem.text(key));
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte[] PROBE = "flux certificate authority key check"
      .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final Issued ca;
  private final KeyType keyType;

  private CertificateAuthority(Issued ca, KeyType keyType) {
    this.ca = ca;
    this.keyType = keyType;
  }

  /** A new self-signed CA valid for {@code validity}. */
  public static CertificateAuthority create(String name, KeyType keyType, Duration validity) {
    KeyPair kp = keyPair(keyType);
    X500Name subject = new X500Name("CN=" + name);
    Instant now = Instant.now();
    try {
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minusSeconds(60)),
          Date.from(now.plus(validity)), subject, kp.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
      return new CertificateAuthority(new Issued(sign(b, kp.getPrivate(), keyType), kp.getPrivate()), keyType);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot create a CA certificate", e);
    }
  }

  /** Uses an existing CA (certificate and key) to issue certificates. */
  public static CertificateAuthority of(X509Certificate cert, PrivateKey key) {
    return new CertificateAuthority(new Issued(cert, key),
        key.getAlgorithm().startsWith("RSA") ? KeyType.RSA : KeyType.EC);
  }

  /**
   * Reads an existing CA from its PEM certificate and unencrypted PEM private key, and checks that the
   * two belong together (a mismatched pair would sign certificates nothing can verify).
   */
  public static CertificateAuthority load(Path certFile, Path keyFile) throws IOException {
    X509Certificate cert = Pem.certificate(certFile);
    PrivateKey key = Pem.privateKey(keyFile);
    try {
      Signature s = Signature.getInstance(key.getAlgorithm().startsWith("RSA") ? "SHA256withRSA" : "SHA256withECDSA");
      s.initSign(key);
      s.update(PROBE);
      byte[] signature = s.sign();
      s.initVerify(cert.getPublicKey());
      s.update(PROBE);
      if (!s.verify(signature)) {
        throw new IOException(keyFile + " is not the private key of " + certFile);
      }
    } catch (GeneralSecurityException e) {
      throw new IOException(keyFile + " does not match " + certFile + ": " + e.getMessage(), e);
    }
    return of(cert, key);
  }

  /** The key algorithm of a certificate's public key. */
  public static KeyType keyTypeOf(X509Certificate cert) {
    return cert.getPublicKey().getAlgorithm().startsWith("RSA") ? KeyType.RSA : KeyType.EC;
  }

  public Issued ca() {
    return ca;
  }

  /** A server certificate for the given DNS names and IP addresses. */
  public Issued server(String cn, List<String> dnsNames, List<String> ipAddresses, KeyType type, Duration validity) {
    List<GeneralName> sans = new ArrayList<>();
    dnsNames.forEach(d -> sans.add(new GeneralName(GeneralName.dNSName, d)));
    for (String ip : ipAddresses) {
      sans.add(new GeneralName(GeneralName.iPAddress, ip));
    }
    return issue("CN=" + cn, sans, KeyPurposeId.id_kp_serverAuth, type, Instant.now(), validity);
  }

  /** A client (device or service) certificate whose CN is its identity. */
  public Issued client(String cn, KeyType type, Duration validity) {
    return issue("CN=" + cn, List.of(), KeyPurposeId.id_kp_clientAuth, type, Instant.now(), validity);
  }

  /** A client certificate valid from {@code notBefore} (tests use a past window to make an expired one). */
  public Issued client(String cn, KeyType type, Instant notBefore, Duration validity) {
    return issue("CN=" + cn, List.of(), KeyPurposeId.id_kp_clientAuth, type, notBefore, validity);
  }

  private Issued issue(String subject, List<GeneralName> sans, KeyPurposeId purpose, KeyType type,
      Instant notBefore, Duration validity) {
    KeyPair kp = keyPair(type);
    try {
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca.certificate(), serial(),
          Date.from(notBefore.minusSeconds(60)), Date.from(notBefore.plus(validity)), new X500Name(subject),
          kp.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca.certificate()));
      if (!sans.isEmpty()) {
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
      }
      return new Issued(sign(b, ca.key(), keyType), kp.getPrivate());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot issue a certificate for " + subject, e);
    }
  }

  /** A CRL revoking the given certificates, valid for {@code validity}. */
  public X509CRL crl(List<X509Certificate> revoked, Duration validity) {
    Instant now = Instant.now();
    try {
      X509v2CRLBuilder b = new X509v2CRLBuilder(new X509CertificateHolder(ca.certificate().getEncoded()).getSubject(),
          Date.from(now.minusSeconds(60)));
      b.setNextUpdate(Date.from(now.plus(validity)));
      for (X509Certificate c : revoked) {
        b.addCRLEntry(c.getSerialNumber(), Date.from(now.minusSeconds(60)), CRLReason.keyCompromise);
      }
      return new JcaX509CRLConverter().getCRL(b.build(signer(ca.key(), keyType)));
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot make a CRL", e);
    }
  }

  /**
   * A CRL listing the given serial numbers at their revocation times (none makes an empty CRL), numbered
   * by its issue time so that a newer CRL always carries a higher number, valid for {@code validity}.
   */
  public X509CRL crl(Map<BigInteger, Instant> revoked, Duration validity) {
    Instant now = Instant.now();
    try {
      X509v2CRLBuilder b = new X509v2CRLBuilder(new X509CertificateHolder(ca.certificate().getEncoded()).getSubject(),
          Date.from(now.minusSeconds(60)));
      b.setNextUpdate(Date.from(now.plus(validity)));
      revoked.forEach((serial, at) -> b.addCRLEntry(serial, Date.from(at), CRLReason.unspecified));
      b.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.valueOf(now.toEpochMilli())));
      b.addExtension(Extension.authorityKeyIdentifier, false,
          new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca.certificate()));
      return new JcaX509CRLConverter().getCRL(b.build(signer(ca.key(), keyType)));
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot make a CRL", e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key, KeyType type)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter().getCertificate(b.build(signer(key, type)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static ContentSigner signer(PrivateKey key, KeyType type) throws OperatorCreationException {
    return new JcaContentSignerBuilder(type == KeyType.EC ? "SHA256withECDSA" : "SHA256withRSA").build(key);
  }

  private static KeyPair keyPair(KeyType type) {
    try {
      if (type == KeyType.EC) {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
      }
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048, RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate a " + type + " key", e);
    }
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }
}
