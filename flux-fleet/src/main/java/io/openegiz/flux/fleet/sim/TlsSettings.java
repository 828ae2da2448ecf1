package io.openegiz.flux.fleet.sim;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttClientSslConfigBuilder;
import io.openegiz.flux.pki.TlsStores;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
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
 * @param keyFile  PEM private key of {@code certFile} (PKCS#8, PKCS#1 or SEC1), or {@code null}
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
      TrustManagerFactory trust = TlsStores.trust(caFile != null ? caFile : certDir.caFile());
      Map<String, MqttClientSslConfig> configs = new HashMap<>();
      for (String id : deviceIds) {
        configs.put(id, build(trust, TlsStores.keys(certDir.certFile(id), certDir.keyFile(id))));
      }
      return configs;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("TLS files could not be used: " + e.getMessage(), e);
    }
  }

  /** The HiveMQ client's TLS configuration; reads and checks the files now, so a mistake stops the start. */
  public MqttClientSslConfig toSslConfig() {
    try {
      TrustManagerFactory trust = caFile == null ? null : TlsStores.trust(caFile);
      KeyManagerFactory keys = certFile == null ? null : TlsStores.keys(certFile, keyFile);
      return build(trust, keys);
    } catch (GeneralSecurityException | IOException e) {
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
}
