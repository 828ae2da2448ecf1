package io.openegiz.flux.fleet.sim;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The layout {@code flux certs} writes in its directory: {@code ca.crt} (trust anchor) and one
 * {@code devices/ID.crt} + {@code devices/ID.key} per device, whose CN is the device_id (the identity the
 * broker takes as username with {@code use_identity_as_username}).
 *
 * @param dir the directory given to {@code flux certs --dir}
 */
public record DeviceCertificates(Path dir) {

  /** The CA certificate {@code flux certs ca} wrote. */
  public Path caFile() {
    return dir.resolve("ca.crt");
  }

  /** The device's certificate. */
  public Path certFile(String deviceId) {
    return dir.resolve("devices").resolve(deviceId + ".crt");
  }

  /** The device's PKCS#8 private key. */
  public Path keyFile(String deviceId) {
    return dir.resolve("devices").resolve(deviceId + ".key");
  }

  /**
   * Fails, naming every missing file and the one command that issues them all, if a device of
   * {@code deviceIds} lacks its certificate or key: a fleet with a half-provisioned directory is a
   * mistake to stop at start, not a stream of handshake failures later.
   */
  public void requireAll(List<String> deviceIds) {
    List<String> missingIds = deviceIds.stream()
        .filter(id -> !Files.isReadable(certFile(id)) || !Files.isReadable(keyFile(id))).toList();
    if (missingIds.isEmpty()) {
      return;
    }
    StringBuilder message = new StringBuilder();
    for (String id : missingIds) {
      Path missing = Files.isReadable(certFile(id)) ? keyFile(id) : certFile(id);
      message.append("device ").append(id).append(": no certificate file ").append(missing).append('\n');
    }
    message.append("issue ").append(missingIds.size() == 1 ? "it" : "them").append(" with: flux certs device --dir ")
        .append(dir).append(' ').append(String.join(" ", missingIds));
    throw new IllegalArgumentException(message.toString());
  }
}
