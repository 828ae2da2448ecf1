package io.openegiz.flux.fleet.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openegiz.flux.pki.CertificateAuthority.KeyType;
import io.openegiz.flux.pki.CertificateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-device certificates from a {@code flux certs} directory: found by device_id, missing ones named. */
class DeviceCertificatesTest {
  @TempDir
  Path dir;

  @Test
  void eachDeviceGetsItsOwnConfigurationFromTheDirectory() throws Exception {
    CertificateStore store = CertificateStore.create(dir, "Test CA", KeyType.EC, Duration.ofDays(2), false);
    store.device("esp32-oven001-elec", KeyType.EC, Duration.ofDays(1), false);
    store.device("esp32-zonea-env", KeyType.RSA, Duration.ofDays(1), false);

    var configs = TlsSettings.perDevice(dir, null, false)
        .toSslConfigs(List.of("esp32-oven001-elec", "esp32-zonea-env"));

    assertThat(configs).containsOnlyKeys("esp32-oven001-elec", "esp32-zonea-env");
    assertThat(configs.get("esp32-oven001-elec")).isNotSameAs(configs.get("esp32-zonea-env"));
    assertThat(configs.get("esp32-zonea-env").getKeyManagerFactory()).isPresent();
    assertThat(configs.get("esp32-zonea-env").getTrustManagerFactory()).isPresent();
  }

  @Test
  void aMissingCertificateNamesTheFileAndTheCommandThatMakesIt() throws Exception {
    CertificateStore store = CertificateStore.create(dir, "Test CA", KeyType.EC, Duration.ofDays(2), false);
    store.device("esp32-oven001-elec", KeyType.EC, Duration.ofDays(1), false);
    Files.delete(dir.resolve("devices/esp32-oven001-elec.key"));

    assertThatThrownBy(() -> TlsSettings.perDevice(dir, null, false)
        .toSslConfigs(List.of("esp32-oven001-elec", "esp32-zonea-env")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(dir.resolve("devices/esp32-oven001-elec.key").toString())
        .hasMessageContaining(dir.resolve("devices/esp32-zonea-env.crt").toString())
        .hasMessageContaining("flux certs device --dir " + dir + " esp32-oven001-elec esp32-zonea-env");
  }

  @Test
  void oneSharedCertificateAndADirectoryExcludeEachOther() {
    assertThatThrownBy(() -> new TlsSettings(null, dir.resolve("a.crt"), dir.resolve("a.key"), false,
        new DeviceCertificates(dir))).hasMessageContaining("choose one");
  }
}
