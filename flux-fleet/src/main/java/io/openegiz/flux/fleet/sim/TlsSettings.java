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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS towards the broker (FR-1.2, FR-1.3): a CA file to trust, optionally client certificates and keys in PEM
 * for X.509 authentication (one for every device, or each device its own from a {@code flux certs}
 * directory), and whether to skip the host name check (test setups only).
 *
 * @param caFile   PEM CA certificates, or {@code null} for {@code certDir}'s {@code ca.crt}, else the JVM's
 *                 trust store
 * @param certFile PEM client certificate chain shared by every device, or {@code null}
 * @param keyFile  PEM PKCS#8 private key of {@code certFile}, or {@code null}
 * @param insecure accept a broker certificate whose name does not match the host
 * @param certDir  a {@code flux certs} directory: each device presents {@code devices/ID.crt}, or {@code null}
 */
public record TlsSettings(Path caFile, Path certFile, Path keyFile, boolean insecure, DeviceCertificates certDir) {

  public TlsSettings {
    if ((certFile == null) != (keyFile == null)) {
      throw new IllegalArgumentException("--cert and --key go together");
    }
    if (certDir != null && certFile != null) {
      throw new IllegalArgumentException("--cert gives every device one certificate, --cert-dir each its own:"
          + " choose one");
    }
  }

  /** TLS with one client certificate (or none) for every device. */
  public TlsSettings(Path caFile, Path certFile, Path keyFile, boolean insecure) {
    this(caFile, certFile, keyFile, insecure, null);
  }

  /** Each device presents its own certificate from {@code dir}; {@code caFile} overrides {@code dir/ca.crt}. */
  public static TlsSettings perDevice(Path dir, Path caFile, boolean insecure) {
    return new TlsSettings(caFile, null, null, insecure, new DeviceCertificates(dir));
  }

  /**
   * The HiveMQ client's TLS configuration of each device, by device_id; reads and checks every file now, so a
   * mistake (such as a device without its certificate) stops the start.
   */
  public Map<String, MqttClientSslConfig> toSslConfigs(List<String> deviceIds) {
    if (certDir == null) {
      MqttClientSslConfig shared = toSslConfig();
      return deviceIds.stream().collect(Collectors.toMap(id -> id, id -> shared));
    }
    certDir.requireAll(deviceIds);
    try {
      // One trust manager for all: a thousand devices need not parse the CA a thousand times.
      TrustManagerFactory trust = trust(readCertificates(caFile != null ? caFile : certDir.caFile()));
      Map<String, MqttClientSslConfig> configs = new HashMap<>();
      for (String id : deviceIds) {
        KeyManagerFactory keys = keys(readCertificates(certDir.certFile(id)), PemKeys.read(certDir.keyFile(id)));
        configs.put(id, build(trust, keys));
      }
      return configs;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("TLS files could not be used: " + e.getMessage(), e);
    }
  }

  /** The HiveMQ client's TLS configuration; reads and checks the files now, so a mistake stops the start. */
  public MqttClientSslConfig toSslConfig() {
    try {
      TrustManagerFactory trust = caFile == null ? null : trust(readCertificates(caFile));
      KeyManagerFactory keys = certFile == null ? null : keys(readCertificates(certFile), PemKeys.read(keyFile));
      return build(trust, keys);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("TLS files could not be used: " + e.getMessage(), e);
    }
  }

  private MqttClientSslConfig build(TrustManagerFactory trust, KeyManagerFactory keys) {
    MqttClientSslConfigBuilder builder = MqttClientSslConfig.builder();
    if (trust != null) {
      builder = builder.trustManagerFactory(trust);
    }
    if (keys != null) {
      builder = builder.keyManagerFactory(keys);
    }
    if (insecure) {
      builder = builder.hostnameVerifier((host, session) -> true);
    }
    return builder.build();
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
