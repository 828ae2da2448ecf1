package io.openegiz.flux.archiver.mqtt;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttClientSslConfigBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/** TLS towards the broker from PEM files: a CA file to trust and optionally a client certificate and its key. */
public final class TlsFiles {
  private static final String BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String END = "-----END PRIVATE KEY-----";

  private TlsFiles() {
  }

  /**
   * The HiveMQ client's TLS configuration; reads every file now so that a mistake stops the start.
   *
   * @param caFile   PEM CA certificates, or {@code null} for the JVM's trusted CAs
   * @param certFile PEM client certificate chain, or {@code null}
   * @param keyFile  PKCS#8 PEM key of {@code certFile}
   */
  public static MqttClientSslConfig sslConfig(Path caFile, Path certFile, Path keyFile) {
    try {
      MqttClientSslConfigBuilder builder = MqttClientSslConfig.builder();
      if (caFile != null) {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        List<? extends Certificate> cas = certificates(caFile);
        for (int i = 0; i < cas.size(); i++) {
          store.setCertificateEntry("ca-" + i, cas.get(i));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        builder = builder.trustManagerFactory(trust);
      }
      if (certFile != null) {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("client", key(keyFile), new char[0], certificates(certFile).toArray(Certificate[]::new));
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, new char[0]);
        builder = builder.keyManagerFactory(keys);
      }
      return builder.build();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("TLS files could not be used: " + e.getMessage(), e);
    }
  }

  private static List<? extends Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(file)) {
      List<? extends Certificate> certs = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
      if (certs.isEmpty()) {
        throw new GeneralSecurityException(file + " holds no PEM certificate");
      }
      return certs;
    }
  }

  private static PrivateKey key(Path file) throws IOException, GeneralSecurityException {
    String pem = Files.readString(file, StandardCharsets.US_ASCII);
    int begin = pem.indexOf(BEGIN);
    int end = pem.indexOf(END);
    if (begin < 0 || end < begin) {
      throw new GeneralSecurityException(file + " is not a PKCS#8 PEM key (BEGIN PRIVATE KEY); convert it with "
          + "openssl pkcs8 -topk8 -nocrypt");
    }
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(
        Base64.getMimeDecoder().decode(pem.substring(begin + BEGIN.length(), end)));
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new GeneralSecurityException(file + ": not an RSA, EC or Ed25519 key");
  }
}
