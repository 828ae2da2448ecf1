package io.openegiz.flux.cli;

import io.openegiz.flux.fleet.ota.Manifest;
import io.openegiz.flux.fleet.ota.OtaException;
import io.openegiz.flux.fleet.ota.OtaKeys;
import io.openegiz.flux.fleet.ota.SignedManifest;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code flux ota}: signed firmware updates of the ESP32 devices (G-7, FR-1.8, SEC-8). See docs/ota.md. */
@Command(name = "ota", mixinStandardHelpOptions = true,
    description = {"Signed firmware updates (OTA) of the devices.",
        "An ECDSA P-256 signing key, a signed manifest per image, an HTTPS server for the images, a staged rollout"
            + " over MQTT and each device's progress. See docs/ota.md."},
    subcommands = {OtaCommand.Keygen.class, OtaCommand.Sign.class, OtaServeCommand.class, OtaRolloutCommand.class,
        OtaStatusCommand.class})
final class OtaCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(),
        "missing subcommand; accepted: keygen, sign, serve, rollout, status");
  }

  /** Error handling every subcommand shares: an {@link OtaException} is one line and exit status 1. */
  abstract static class Base implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    PrintWriter out;
    PrintWriter err;

    @Override
    public Integer call() throws Exception {
      out = spec.commandLine().getOut();
      err = spec.commandLine().getErr();
      try {
        return execute();
      } catch (OtaException e) {
        err.println("flux ota " + spec.name() + ": " + e.getMessage());
        return 1;
      }
    }

    abstract int execute() throws Exception;
  }

  /** {@code flux ota keygen}. */
  @Command(name = "keygen", mixinStandardHelpOptions = true,
      description = {"Makes the OTA signing key pair (ECDSA P-256).",
          "DIR/" + OtaKeys.PRIVATE_FILE + " (PKCS#8 PEM, mode 600; it never leaves this machine) and DIR/"
              + OtaKeys.PUBLIC_FILE + " (PEM; built into the firmware, given to flux-device --ota-key)."
              + " Never overwrites a key."})
  static final class Keygen extends Base {
    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "ota-keys",
        description = "Directory of the key pair (default ${DEFAULT-VALUE}; created if missing).")
    Path dir;

    @Override
    int execute() throws OtaException {
      OtaKeys.Written w = OtaKeys.generate(dir);
      out.printf("wrote %s (private, keep it offline) and %s (public, for the firmware)%n", w.privateKey(),
          w.publicKey());
      return 0;
    }
  }

  /** {@code flux ota sign}. */
  @Command(name = "sign",
      description = {"Signs a firmware image: writes its manifest and signature beside it.",
          "IMAGE" + SignedManifest.MANIFEST_SUFFIX + " (model, version, size, SHA-256) and IMAGE"
              + SignedManifest.SIGNATURE_SUFFIX + " (ECDSA P-256 over SHA-256 of the manifest bytes, DER, base64),"
              + " the form the devices verify (docs/ota.md)."})
  static final class Sign extends Base {
    // No mixinStandardHelpOptions: its --version would take the image version's name.
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--image", required = true, paramLabel = "FILE", description = "The firmware image.")
    Path image;

    @Option(names = "--model", required = true, paramLabel = "M",
        description = "The board model the image is for, e.g. esp32-electrical (a-z 0-9 - _, 1 to 64).")
    String model;

    @Option(names = "--version", required = true, paramLabel = "V",
        description = "The image's semantic version, e.g. 1.3.0; devices refuse one not newer than theirs.")
    String version;

    @Option(names = "--key", paramLabel = "FILE", defaultValue = "ota-keys/" + OtaKeys.PRIVATE_FILE,
        description = "The private signing key (default ${DEFAULT-VALUE}).")
    Path key;

    @Override
    int execute() throws OtaException {
      Manifest manifest = Manifest.ofImage(image, model, version);
      SignedManifest signed = SignedManifest.sign(manifest, OtaKeys.readPrivate(key));
      Path written = signed.writeBeside(image);
      out.printf("wrote %s and %s: %s %s, %d bytes, sha256 %s%n", written,
          image + SignedManifest.SIGNATURE_SUFFIX, manifest.model(), manifest.version(), manifest.size(),
          manifest.sha256());
      return 0;
    }
  }
}
