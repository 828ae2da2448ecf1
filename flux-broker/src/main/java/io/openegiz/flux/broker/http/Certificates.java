package io.openegiz.flux.broker.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.OptionalLong;

/**
 * Dates of the PEM files a TLS listener uses, read at each scrape so that a rotated certificate shows at
 * once. A file that cannot be read gives no sample: absent rather than a made-up date.
 */
final class Certificates {
  private Certificates() {}

  /** notAfter of the first certificate of {@code file} (the leaf of a chain), in Unix seconds. */
  static OptionalLong notAfter(Path file) {
    if (file == null) {
      return OptionalLong.empty();
    }
    try (InputStream in = Files.newInputStream(file)) {
      var certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
      return certificates.isEmpty()
          ? OptionalLong.empty()
          : seconds(((X509Certificate) certificates.iterator().next()).getNotAfter());
    } catch (IOException | GeneralSecurityException e) {
      return OptionalLong.empty();
    }
  }

  /** nextUpdate of the CRL in {@code file}, in Unix seconds. */
  static OptionalLong crlNextUpdate(Path file) {
    if (file == null) {
      return OptionalLong.empty();
    }
    try (InputStream in = Files.newInputStream(file)) {
      X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(in);
      return crl.getNextUpdate() == null ? OptionalLong.empty() : seconds(crl.getNextUpdate());
    } catch (IOException | GeneralSecurityException | ClassCastException e) {
      return OptionalLong.empty();
    }
  }

  private static OptionalLong seconds(Date d) {
    return OptionalLong.of(d.getTime() / 1000);
  }
}
