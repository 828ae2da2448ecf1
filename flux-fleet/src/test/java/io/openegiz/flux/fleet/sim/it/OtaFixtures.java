package io.openegiz.flux.fleet.sim.it;

import io.openegiz.flux.fleet.ota.Manifest;
import io.openegiz.flux.fleet.ota.OtaKeys;
import io.openegiz.flux.fleet.ota.SignedManifest;
import java.nio.file.Files;
import java.nio.file.Path;

/** What rollout tests that script their devices need: a signed manifest of a tiny image nobody downloads. */
final class OtaFixtures {
  private OtaFixtures() {}

  /** A manifest for model esp32-sensor 1.3.0, signed with a key made under {@code dir}. */
  static SignedManifest signedTinyImage(Path dir) throws Exception {
    OtaKeys.Written keys = OtaKeys.generate(dir.resolve("ota-keys"));
    Path fw = Files.write(dir.resolve("fw-1.3.0.bin"), new byte[] {1, 2, 3});
    return SignedManifest.sign(Manifest.ofImage(fw, "esp32-sensor", "1.3.0"), OtaKeys.readPrivate(keys.privateKey()));
  }
}
