package io.openegiz.flux.fleet.ota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cross-language: manifests signed in Java ({@code flux ota sign}'s {@link SignedManifest}, the JDK's ECDSA) are
 * checked by the device's C++ core (mbedTLS), through {@code firmware/build/flux-ota-verify}; each way an update
 * must be refused is refused with its verdict.
 */
class JavaSignedManifestIT {
  private static final Path VERIFIER = Path.of("..", "firmware", "build", "flux-ota-verify").toAbsolutePath()
      .normalize();
  private static final String MODEL = "esp32-electrical";
  @TempDir
  Path dir;
  private Path image;
  private Path pub;
  private Path manifest;

  @BeforeEach
  void signAnImage() throws Exception {
    OtaKeys.Written keys = OtaKeys.generate(dir.resolve("keys"));
    pub = keys.publicKey();
    image = dir.resolve("fw.bin");
    byte[] bytes = new byte[50_000];
    new Random(7).nextBytes(bytes);
    Files.write(image, bytes);
    manifest = SignedManifest.sign(Manifest.ofImage(image, MODEL, "1.3.0"), OtaKeys.readPrivate(keys.privateKey()))
        .writeBeside(image);
  }

  @Test
  void theCoreAcceptsAnImageSignedByTheJavaSigner() throws Exception {
    assertThat(verify(pub, image, "1.2.9")).isEqualTo("accepted: esp32-electrical 1.3.0, 50000 bytes");
    assertThat(SignedManifest.read(manifest).verifies(OtaKeys.readPublic(pub))).isTrue();
  }

  @Test
  void aTamperedImageIsRefusedForItsHash() throws Exception {
    byte[] bytes = Files.readAllBytes(image);
    bytes[25_000] ^= 1;
    Path tampered = dir.resolve("tampered.bin");
    Files.write(tampered, bytes);
    assertThat(verify(pub, tampered, "1.2.9")).startsWith("refused: HashMismatch: the image's SHA-256 is ");
  }

  @Test
  void aTruncatedDownloadIsRefusedForItsSize() throws Exception {
    Path truncated = dir.resolve("truncated.bin");
    Files.write(truncated, java.util.Arrays.copyOf(Files.readAllBytes(image), 40_000));
    assertThat(verify(pub, truncated, "1.2.9"))
        .isEqualTo("refused: SizeMismatch: the image is truncated: 40000 of 50000 bytes");
  }

  @Test
  void anotherKeyIsRefusedBeforeTheManifestIsBelieved() throws Exception {
    Path other = OtaKeys.generate(dir.resolve("other")).publicKey();
    assertThat(verify(other, image, "1.2.9"))
        .isEqualTo("refused: BadSignature: the manifest's signature does not verify with the built-in OTA key");
  }

  @Test
  void aChangedManifestNoLongerVerifies() throws Exception {
    String text = Files.readString(manifest).replace("1.3.0", "1.4.0");
    Files.writeString(manifest, text);
    assertThat(verify(pub, image, "1.2.9")).startsWith("refused: BadSignature: ");
  }

  @Test
  void aDowngradeAndAnotherModelAreRefused() throws Exception {
    assertThat(verify(pub, image, "1.3.0"))
        .isEqualTo("refused: NotNewer: version 1.3.0 is not newer than the running 1.3.0 (no downgrade)");
    assertThat(run(pub, image, "esp32-thermal", "1.0.0"))
        .isEqualTo("refused: WrongModel: the image is for model \"esp32-electrical\"; this device is"
            + " \"esp32-thermal\"");
  }

  @Test
  void badSigningInputIsRefusedSayingWhatIsAccepted() throws Exception {
    assertThatThrownBy(() -> Manifest.ofImage(image, "ESP32", "1.3"))
        .hasMessage("--model: \"ESP32\" is not 1 to 64 characters of a-z, 0-9, '-' and '_' (e.g. esp32-electrical);"
            + " --version: \"1.3\" is not a semantic version of at most 32 characters such as 1.3.0");
    assertThatThrownBy(() -> OtaKeys.readPrivate(pub)).isInstanceOf(OtaException.class)
        .hasMessageContaining("no \"-----BEGIN PRIVATE KEY-----\" block; accepted: a PKCS#8 PEM EC P-256");
    assertThatThrownBy(() -> OtaKeys.generate(pub.getParent())).hasMessageContaining("never overwritten");
  }

  private String verify(Path key, Path img, String running) throws IOException, InterruptedException {
    return run(key, img, MODEL, running);
  }

  private String run(Path key, Path img, String model, String running) throws IOException, InterruptedException {
    if (!Files.isExecutable(VERIFIER)) {
      fail(VERIFIER + " is missing: run firmware/build-and-test first (./run-tests does)");
    }
    Process p = new ProcessBuilder(VERIFIER.toString(), key.toString(), manifest.toString(),
        manifest.toString().replace(".manifest.json", ".manifest.sig"), img.toString(), model, running)
        .redirectErrorStream(true).start();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("flux-ota-verify did not finish");
    }
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
  }
}
