package io.openegiz.flux.broker.transport;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.openegiz.flux.broker.config.TlsConfig;
import io.openegiz.flux.pki.Pem.PemException;
import io.openegiz.flux.pki.Pem;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CRL;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/** Builds a server {@link SslContext} from a listener's PEM files; every failure names the file. */
public final class TlsContextLoader {
  private TlsContextLoader() {}

  /** A TLS file that could not be used; the message names the file and what is wrong with it. */
  public static final class TlsLoadException extends Exception {
    public TlsLoadException(String message) {
      super(message);
    }
  }

  /**
   * BoringSSL (netty-tcnative) when its native library loads: a TLS 1.3 handshake costs several times
   * less CPU than with the JDK's provider, which matters when a thousand sensors reconnect at once.
   */
  public static SslProvider provider() {
    return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
  }

  public static SslContext load(TlsConfig tls) throws TlsLoadException {
    List<X509Certificate> chain = certificates(tls.certfile(), "certfile");
    PrivateKey key = privateKey(tls.keyfile());
    SslContextBuilder b = SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new))
        .sslProvider(provider())
        .protocols(tls.protocols());
    List<String> ciphers = ciphers(tls);
    if (!ciphers.isEmpty()) {
      b.ciphers(ciphers);
    }
    if (tls.cafile() != null) {
      b.trustManager(trustManager(tls));
    }
    b.clientAuth(tls.requireCertificate() ? ClientAuth.REQUIRE : ClientAuth.NONE);
    try {
      return b.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new TlsLoadException(tls.certfile() + " / " + tls.keyfile() + ": cannot build a TLS context: "
          + e.getMessage());
    }
  }

  private static List<String> ciphers(TlsConfig tls) {
    List<String> out = new ArrayList<>();
    if (tls.ciphersTls13() != null) out.addAll(Arrays.asList(tls.ciphersTls13().split(":")));
    if (tls.ciphers() != null) out.addAll(Arrays.asList(tls.ciphers().split(":")));
    return out;
  }

  /** Reads every certificate of a PEM file, in order; {@code key} is the configuration key that named it. */
  public static List<X509Certificate> certificates(Path file, String key) throws TlsLoadException {
    try {
      return Pem.certificates(file);
    } catch (PemException e) {
      throw new TlsLoadException(e.file() + " (" + key + "): " + e.problem());
    }
  }

  /** Reads a PEM private key: PKCS#8, PKCS#1 (RSA) or SEC1 (EC), as openssl writes them. */
  public static PrivateKey privateKey(Path file) throws TlsLoadException {
    try {
      return Pem.privateKey(file);
    } catch (PemException e) {
      throw new TlsLoadException(e.file() + " (keyfile): " + e.problem());
    }
  }

  private static TrustManagerFactory trustManager(TlsConfig tls) throws TlsLoadException {
    try {
      KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
      anchors.load(null, null);
      int i = 0;
      for (X509Certificate ca : certificates(tls.cafile(), "cafile")) {
        anchors.setCertificateEntry("ca-" + i++, ca);
      }
      PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, new X509CertSelector());
      params.setRevocationEnabled(tls.crlfile() != null);
      if (tls.crlfile() != null) {
        params
            .addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls(tls.crlfile()))));
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(new CertPathTrustManagerParameters(params));
      return tmf;
    } catch (java.security.GeneralSecurityException | IOException e) {
      throw new TlsLoadException(tls.cafile() + " (cafile): cannot build a trust store: " + e.getMessage());
    }
  }

  private static Collection<? extends CRL> crls(Path file) throws TlsLoadException {
    try {
      return Pem.crls(file);
    } catch (PemException e) {
      throw new TlsLoadException(e.file() + " (crlfile): " + e.problem());
    }
  }
}
