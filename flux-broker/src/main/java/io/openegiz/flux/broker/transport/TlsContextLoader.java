package io.openegiz.flux.broker.transport;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.openegiz.flux.broker.config.TlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CRL;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
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
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

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

  /** Reads every certificate of a PEM file, in order. */
  public static List<X509Certificate> certificates(Path file, String key) throws TlsLoadException {
    try (InputStream in = Files.newInputStream(file)) {
      Collection<? extends java.security.cert.Certificate> certs = CertificateFactory.getInstance("X.509")
          .generateCertificates(in);
      if (certs.isEmpty()) {
        throw new TlsLoadException(file + " (" + key + "): holds no certificate; accepted: PEM certificates");
      }
      return certs.stream().map(c -> (X509Certificate) c).toList();
    } catch (IOException | java.security.cert.CertificateException | RuntimeException e) {
      throw new TlsLoadException(file + " (" + key + "): not a readable PEM certificate file: " + e.getMessage());
    }
  }

  /** Reads a PEM private key: PKCS#8, PKCS#1 (RSA) or SEC1 (EC), as openssl writes them. */
  public static PrivateKey privateKey(Path file) throws TlsLoadException {
    try (Reader r = Files.newBufferedReader(file); PEMParser p = new PEMParser(r)) {
      Object o = p.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (o instanceof PEMKeyPair kp) {
        // A SEC1 EC key may omit its public key; the private part is all TLS needs.
        return converter.getPrivateKey(kp.getPrivateKeyInfo());
      }
      if (o instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      String what = o == null
          ? "no private key"
          : "a " + o.getClass().getSimpleName()
              + (o.getClass().getSimpleName().contains("Encrypted") ? " (encrypted keys are not supported)" : "");
      throw new TlsLoadException(file + " (keyfile): holds " + what
          + "; accepted: an unencrypted PEM private key (PKCS#8, PKCS#1 or SEC1), RSA or ECDSA");
    } catch (IOException | RuntimeException e) {
      // BouncyCastle reports broken base64 or DER with runtime exceptions.
      throw new TlsLoadException(file + " (keyfile): not a readable PEM key: " + e.getMessage());
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
    try (InputStream in = Files.newInputStream(file)) {
      Collection<? extends CRL> crls = CertificateFactory.getInstance("X.509").generateCRLs(in);
      if (crls.isEmpty()) {
        throw new TlsLoadException(file + " (crlfile): holds no CRL; accepted: a PEM X.509 CRL");
      }
      return crls;
    } catch (IOException | java.security.cert.CertificateException | java.security.cert.CRLException e) {
      throw new TlsLoadException(file + " (crlfile): not a readable PEM CRL: " + e.getMessage());
    }
  }
}
