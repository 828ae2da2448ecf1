package io.openegiz.flux.broker.config;

import java.nio.file.Path;
import java.util.List;

/**
 * TLS settings of one listener, with Mosquitto's key names. Files are PEM, read (and re-read when they
 * change) by the transport.
 *
 * @param certfile server certificate chain (certfile)
 * @param keyfile server private key, RSA or ECDSA, PKCS#8, PKCS#1 or SEC1 (keyfile)
 * @param cafile CA bundle that client certificates must chain to (cafile); null when none
 * @param crlfile certificate revocation list checked for client certificates (crlfile); null when none
 * @param protocols TLS protocol names allowed, e.g. ["TLSv1.3"] (tls_version)
 * @param ciphersTls13 TLS 1.3 cipher suites, colon-separated as in OpenSSL, or null for the defaults
 * @param ciphers TLS 1.2 cipher suites, colon-separated, or null for the defaults
 * @param requireCertificate clients must present a certificate that chains to cafile (require_certificate)
 * @param useIdentityAsUsername the certificate's CN becomes the username (use_identity_as_username)
 * @param useSubjectAsUsername the certificate's full subject becomes the username (use_subject_as_username)
 */
public record TlsConfig(Path certfile, Path keyfile, Path cafile, Path crlfile, List<String> protocols,
    String ciphersTls13, String ciphers, boolean requireCertificate, boolean useIdentityAsUsername,
    boolean useSubjectAsUsername) {

  public TlsConfig {
    protocols = List.copyOf(protocols);
  }

  /** True when the username comes from the client certificate, not from CONNECT. */
  public boolean identityFromCertificate() {
    return useIdentityAsUsername || useSubjectAsUsername;
  }
}
