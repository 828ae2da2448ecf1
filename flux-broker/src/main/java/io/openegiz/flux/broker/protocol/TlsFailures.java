package io.openegiz.flux.broker.protocol;

import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.openegiz.flux.broker.metrics.BrokerMetrics.TlsFailure;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateRevokedException;
import java.util.Locale;

/**
 * Sorts a failed TLS handshake into the reasons of {@code flux_tls_handshake_failures_total}, from the
 * exception chain: its types where the JDK provider gives them, else the messages of the JDK and of
 * BoringSSL (netty-tcnative), which name the same failures differently.
 */
final class TlsFailures {
  private TlsFailures() {}

  static TlsFailure of(Throwable cause) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SslHandshakeTimeoutException) {
        return TlsFailure.TIMEOUT;
      }
      if (t instanceof CertificateRevokedException) {
        return TlsFailure.CERTIFICATE_REVOKED;
      }
      if (t instanceof CertPathValidatorException v
          && v.getReason() == CertPathValidatorException.BasicReason.REVOKED) {
        return TlsFailure.CERTIFICATE_REVOKED;
      }
      if (t instanceof NotSslRecordException) {
        return TlsFailure.PROTOCOL;
      }
      text.append(' ').append(t instanceof CertificateException || t instanceof CertPathValidatorException
          ? "certificate "
          : "").append(t.getMessage());
    }
    String m = text.toString().toLowerCase(Locale.ROOT);
    if (m.contains("revoked")) {
      return TlsFailure.CERTIFICATE_REVOKED;
    }
    if (m.contains("empty client certificate chain") || m.contains("peer_did_not_return_a_certificate")
        || m.contains("certificate required") || m.contains("certificate_required")) {
      return TlsFailure.NO_CERTIFICATE;
    }
    if (m.contains("certificate") || m.contains("certification path") || m.contains("expired")) {
      return TlsFailure.CERTIFICATE_REJECTED;
    }
    if (m.contains("protocol") || m.contains("version") || m.contains("cipher") || m.contains("record")) {
      return TlsFailure.PROTOCOL;
    }
    return TlsFailure.OTHER;
  }
}
