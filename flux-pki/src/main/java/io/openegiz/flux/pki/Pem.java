package io.openegiz.flux.pki;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * Reads and writes the PEM files of TLS: certificates, private keys and CRLs, in the forms openssl
 * and {@code flux certs} write. Every failure is a {@link PemException} naming the file, what is wrong
 * and what is accepted.
 */
public final class Pem {
  private Pem() {}

  /** A PEM file that cannot be used. */
  public static final class PemException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String problem;

    PemException(Path file, String problem, Throwable cause) {
      super(file + ": " + problem, cause);
      this.file = file;
      this.problem = problem;
    }

    /** The file that could not be used. */
    public Path file() {
      return file;
    }

    /** What is wrong with it and what is accepted, without the file name. */
    public String problem() {
      return problem;
    }
  }

  /** Every certificate of a PEM (or DER) file, in order; at least one. */
  public static List<X509Certificate> certificates(Path file) throws PemException {
    return all(file, "certificate; accepted: PEM certificates", "PEM certificate file",
        in -> CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
            .map(c -> (X509Certificate) c).toList());
  }

  /** The first certificate of a PEM (or DER) file. */
  public static X509Certificate certificate(Path file) throws PemException {
    return certificates(file).get(0);
  }

  /** Reads an unencrypted PEM private key: PKCS#8, PKCS#1 (RSA) or SEC1 (EC), as openssl writes them. */
  public static PrivateKey privateKey(Path file) throws PemException {
    Object o;
    try (Reader r = Files.newBufferedReader(file); PEMParser p = new PEMParser(r)) {
      o = p.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (o instanceof PEMKeyPair kp) {
        // A SEC1 EC key may omit its public key; the private part is all TLS needs.
        return converter.getPrivateKey(kp.getPrivateKeyInfo());
      }
      if (o instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
    } catch (IOException | RuntimeException e) {
      // BouncyCastle reports broken base64 or DER with runtime exceptions.
      throw new PemException(file, "not a readable PEM key: " + e.getMessage(), e);
    }
    String what = o == null
        ? "no private key"
        : "a " + o.getClass().getSimpleName()
            + (o.getClass().getSimpleName().contains("Encrypted") ? " (encrypted keys are not supported)" : "");
    throw new PemException(file, "holds " + what
        + "; accepted: an unencrypted PEM private key (PKCS#8, PKCS#1 or SEC1), RSA or ECDSA", null);
  }

  /** Every CRL of a PEM (or DER) file; at least one. */
  public static List<X509CRL> crls(Path file) throws PemException {
    return all(file, "CRL; accepted: a PEM X.509 CRL", "PEM CRL",
        in -> CertificateFactory.getInstance("X.509").generateCRLs(in).stream().map(c -> (X509CRL) c).toList());
  }

  /** Reads what {@code parser} finds in the file; none is an error. */
  private static <T> List<T> all(Path file, String none, String what, Parser<T> parser) throws PemException {
    List<T> found;
    try (InputStream in = Files.newInputStream(file)) {
      found = parser.parse(in);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      // the JDK reports some broken DER with runtime exceptions
      throw new PemException(file, "not a readable " + what + ": " + e.getMessage(), e);
    }
    if (found.isEmpty()) {
      throw new PemException(file, "holds no " + none, null);
    }
    return found;
  }

  /** Parses a stream of PEM or DER objects. */
  private interface Parser<T> {
    List<T> parse(InputStream in) throws GeneralSecurityException;
  }

  /** PEM text of a certificate or CRL, or of a private key in PKCS#8 (what openssl writes today). */
  public static String text(Object o) {
    StringWriter s = new StringWriter();
    try (Writer w = s; JcaPEMWriter pw = new JcaPEMWriter(w)) {
      if (o instanceof PrivateKey k) {
        pw.writeObject(new JcaPKCS8Generator(k, null));
      } else {
        pw.writeObject(o);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return s.toString();
  }
}
