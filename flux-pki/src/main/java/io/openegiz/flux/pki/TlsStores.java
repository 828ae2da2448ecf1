package io.openegiz.flux.pki;

import io.openegiz.flux.pki.Pem.PemException;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The JDK key and trust managers a TLS client needs, made from PEM files: what the fleet's devices and the
 * archiver present to the broker. In-memory key stores only; nothing is written.
 */
public final class TlsStores {
  private static final char[] NO_PASSWORD = new char[0];

  private TlsStores() {}

  /** Trusts exactly the CA certificates of {@code caFile}. */
  public static TrustManagerFactory trust(Path caFile) throws PemException, GeneralSecurityException {
    return trust(Pem.certificates(caFile));
  }

  /** Trusts exactly {@code cas}. */
  public static TrustManagerFactory trust(List<X509Certificate> cas) throws GeneralSecurityException {
    KeyStore store = emptyStore();
    for (int i = 0; i < cas.size(); i++) {
      store.setCertificateEntry("ca-" + i, cas.get(i));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    return tmf;
  }

  /** Presents the certificate chain of {@code certFile} with the private key of {@code keyFile}. */
  public static KeyManagerFactory keys(Path certFile, Path keyFile) throws PemException, GeneralSecurityException {
    return keys(Pem.certificates(certFile), Pem.privateKey(keyFile));
  }

  /** Presents {@code chain} with its private key. */
  public static KeyManagerFactory keys(List<X509Certificate> chain, PrivateKey key) throws GeneralSecurityException {
    KeyStore store = emptyStore();
    store.setKeyEntry("client", key, NO_PASSWORD, chain.toArray(Certificate[]::new));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, NO_PASSWORD);
    return kmf;
  }

  private static KeyStore emptyStore() throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try {
      store.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException("cannot make an in-memory key store", e);
    }
    return store;
  }
}
