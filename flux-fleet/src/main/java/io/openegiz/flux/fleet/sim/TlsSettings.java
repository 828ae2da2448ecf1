package io.openegiz.flux.fleet.sim;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttClientSslConfigBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS towards the broker (FR-1.2, FR-1.3): a CA file to trust, optionally a client certificate and key in PEM
 * for X.509 authentication, and whether to skip the host name check (test setups only).
 *
 * @param caFile   PEM CA certificates, or {@code null} for the JVM's trust store
 * @param certFile PEM client certificate chain, or {@code null}
 * @param keyFile  PEM PKCS#8 private key of {@code certFile}, or {@code null}
 * @param insecure accept a broker certificate whose name does not match the host
 */
public record TlsSettings(Path caFile, Path certFile, Path keyFile, boolean insecure) {

  public TlsSettings {
    if ((certFile == null) != (keyFile == null)) {
      throw new IllegalArgumentException("--cert and --key go together");
    }
  }

  /** The HiveMQ client's TLS configuration; reads and checks the files now, so a mistake stops the start. */
  public MqttClientSslConfig toSslConfig() {
    try {
      MqttClientSslConfigBuilder builder = MqttClientSslConfig.builder();
      if (caFile != null) {
        builder = builder.trustManagerFactory(trust(readCertificates(caFile)));
      }
      if (certFile != null) {
        builder = builder.keyManagerFactory(keys(readCertificates(certFile), PemKeys.read(keyFile)));
      }
      if (insecure) {
        builder = builder.hostnameVerifier((host, session) -> true);
      }
      return builder.build();
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("TLS files could not be used: " + e.getMessage(), e);
    }
  }

  private static TrustManagerFactory trust(List<Certificate> cas) throws GeneralSecurityException {
    KeyStore store = emptyStore();
    for (int i = 0; i < cas.size(); i++) {
      store.setCertificateEntry("ca-" + i, cas.get(i));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    return tmf;
  }

  private static KeyManagerFactory keys(List<Certificate> chain, java.security.PrivateKey key)
      throws GeneralSecurityException {
    KeyStore store = emptyStore();
    char[] none = new char[0];
    store.setKeyEntry("client", key, none, chain.toArray(Certificate[]::new));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, none);
    return kmf;
  }

  private static KeyStore emptyStore() throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try {
      store.load(null, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return store;
  }

  private static List<Certificate> readCertificates(Path file) throws GeneralSecurityException {
    try (InputStream in = Files.newInputStream(file)) {
      List<Certificate> certs = new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
      if (certs.isEmpty()) {
        throw new IllegalArgumentException(file + " holds no PEM certificate");
      }
      return certs;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
