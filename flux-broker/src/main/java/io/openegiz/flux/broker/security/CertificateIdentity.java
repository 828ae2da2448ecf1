package io.openegiz.flux.broker.security;

import java.security.cert.X509Certificate;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/** The username a verified client certificate stands for, as Mosquitto derives it. */
public final class CertificateIdentity {
  private CertificateIdentity() {}

  /** The subject's CN (use_identity_as_username), or null when the subject has none. */
  public static String commonName(X509Certificate cert) {
    try {
      LdapName name = new LdapName(cert.getSubjectX500Principal().getName(X500Principal.RFC2253));
      // RFC 2253 lists the most specific RDN first; take the first CN, as Mosquitto does.
      for (int i = name.size() - 1; i >= 0; i--) {
        Rdn rdn = name.getRdns().get(i);
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return rdn.getValue().toString();
        }
      }
      return null;
    } catch (InvalidNameException e) {
      return null;
    }
  }

  /** The full subject in RFC 2253 form, e.g. {@code CN=esp32-oven001-elec,O=OpenEgiz} (use_subject_as_username). */
  public static String subject(X509Certificate cert) {
    return cert.getSubjectX500Principal().getName(X500Principal.RFC2253);
  }
}
