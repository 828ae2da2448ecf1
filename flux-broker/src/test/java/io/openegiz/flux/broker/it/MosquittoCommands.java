package io.openegiz.flux.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The Mosquitto command-line clients (Debian package mosquitto-clients), run as processes by the tests. */
final class MosquittoCommands {
  static final String SUB = "/usr/bin/mosquitto_sub";
  static final String PUB = "/usr/bin/mosquitto_pub";

  private MosquittoCommands() {}

  /** CI installs mosquitto-clients; fail loudly rather than skip if it is missing there. */
  static void assertInstalled() {
    assertThat(new File(SUB).canExecute()).as("mosquitto_sub (apt-get install mosquitto-clients)").isTrue();
    assertThat(new File(PUB).canExecute()).as("mosquitto_pub (apt-get install mosquitto-clients)").isTrue();
  }

  /** Runs a command to its end (10 s at most) and asserts it exited 0; its output goes to {@code dir}. */
  static void run(Path dir, String... command) throws IOException, InterruptedException {
    Path err = dir.resolve("command.out");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(err.toFile()).start();
    try {
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("%s finishes", String.join(" ", command)).isTrue();
      assertThat(p.exitValue()).as(Files.readString(err)).isZero();
    } finally {
      p.destroyForcibly();
    }
  }
}
