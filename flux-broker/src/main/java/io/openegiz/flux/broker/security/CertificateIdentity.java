package io.openegiz.flux.broker.security;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.DERUniversalString;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * The username a verified client certificate stands for (use_identity_as_username,
 * use_subject_as_username), or why it stands for none. Fails closed: a subject that could be read
 * as more than one identity, or that carries control characters, is refused.
 */
public final class CertificateIdentity {
  private CertificateIdentity() {}

  /** A certificate whose subject cannot be a username; the message is for logs and the audit, not the wire. */
  public static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The username the verified client certificate chain of a TLS session stands for: the leaf's only CN
   * ({@code useCn}, use_identity_as_username) or its subject (use_subject_as_username). Refused with the
   * reason when there is no certificate, when it is not X.509, or when its subject gives no username.
   */
  public static String username(Certificate[] chain, boolean useCn) throws Refused {
    if (chain == null || chain.length == 0) {
      throw new Refused("the client presented no certificate");
    }
    if (!(chain[0] instanceof X509Certificate cert)) {
      throw new Refused("the client certificate is of type " + chain[0].getType() + "; accepted: X.509");
    }
    return useCn ? commonName(cert) : subject(cert);
  }

  /**
   * The subject's only CN (use_identity_as_username). Refused: no CN, several CNs (Mosquitto takes
   * the first in the certificate's order; tools disagree on which one is "first", so Flux takes
   * none), a CN that is not text, is empty or holds a control character (NUL included).
   */
  public static String commonName(X509Certificate cert) throws Refused {
    X500Name subject;
    try {
      subject = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
    } catch (IllegalArgumentException | IllegalStateException e) { // BouncyCastle's ASN.1 errors are runtime ones
      throw new Refused("the certificate subject cannot be decoded: " + e.getMessage());
    }
    List<ASN1Encodable> cns = new ArrayList<>();
    for (RDN rdn : subject.getRDNs()) {
      for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
        if (atv.getType().equals(BCStyle.CN)) {
          cns.add(atv.getValue());
        }
      }
    }
    if (cns.isEmpty()) {
      throw new Refused("the certificate subject \"" + shown(cert) + "\" has no CN to use as username");
    }
    if (cns.size() > 1) {
      throw new Refused("the certificate subject \"" + shown(cert) + "\" has " + cns.size()
          + " CNs; accepted: exactly one CN");
    }
    ASN1Encodable value = cns.get(0);
    if (!(value instanceof ASN1String text) || value instanceof DERUniversalString) {
      throw new Refused("the certificate CN is not a text string (ASN.1 " + value.getClass().getSimpleName() + ")");
    }
    String cn;
    try {
      cn = text.getString();
    } catch (IllegalArgumentException e) { // malformed UTF-8: a certificate problem, not a broker error
      throw new Refused("the certificate CN is not valid text: " + e.getMessage());
    }
    if (cn.isEmpty()) {
      throw new Refused("the certificate CN is empty");
    }
    checkNoControl("CN", cn);
    return cn;
  }

  /**
   * The full subject in RFC 2253 form, e.g. {@code CN=esp32-oven001-elec,O=OpenEgiz}
   * (use_subject_as_username). Refused when it holds a control character.
   */
  public static String subject(X509Certificate cert) throws Refused {
    String subject;
    try {
      subject = cert.getSubjectX500Principal().getName(X500Principal.RFC2253);
    } catch (IllegalArgumentException e) { // a value the JDK cannot render as text
      throw new Refused("the certificate subject cannot be decoded: " + e.getMessage());
    }
    checkNoControl("subject", subject);
    return subject;
  }

  private static void checkNoControl(String what, String s) throws Refused {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) {
        throw new Refused(String.format("the certificate %s \"%s\" contains the control character U+%04X at"
            + " position %d; accepted: no control characters (U+0000-U+001F, U+007F-U+009F)", what, printable(s),
            (int) s.charAt(i), i));
      }
    }
  }

  private static String shown(X509Certificate cert) {
    try {
      return printable(cert.getSubjectX500Principal().getName(X500Principal.RFC2253));
    } catch (IllegalArgumentException e) {
      return cert.getSubjectX500Principal().toString();
    }
  }

  /** {@code s} with control characters shown as {@code \\uXXXX}, safe for a log line. */
  static String printable(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c)) {
        b.append(String.format("\\u%04X", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
