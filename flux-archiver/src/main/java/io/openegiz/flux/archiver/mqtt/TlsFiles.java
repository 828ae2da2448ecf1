package io.openegiz.flux.archiver.mqtt;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttClientSslConfigBuilder;
import io.openegiz.flux.pki.TlsStores;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/** TLS towards the broker from PEM files: a CA file to trust and optionally a client certificate and its key. */
public final class TlsFiles {
  private TlsFiles() {
  }

  /**
   * The HiveMQ client's TLS configuration; reads every file now so that a mistake stops the start.
   *
   * @param caFile   PEM CA certificates, or {@code null} for the JVM's trusted CAs
   * @param certFile PEM client certificate chain, or {@code null}
   * @param keyFile  PEM private key of {@code certFile} (PKCS#8, PKCS#1 or SEC1)
   */
  public static MqttClientSslConfig sslConfig(Path caFile, Path certFile, Path keyFile) {
    try {
      MqttClientSslConfigBuilder builder = MqttClientSslConfig.builder();
      if (caFile != null) {
        builder = builder.trustManagerFactory(TlsStores.trust(caFile));
      }
      if (certFile != null) {
        builder = builder.keyManagerFactory(TlsStores.keys(certFile, keyFile));
      }
      return builder.build();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("TLS files could not be used: " + e.getMessage(), e);
    }
  }
}
