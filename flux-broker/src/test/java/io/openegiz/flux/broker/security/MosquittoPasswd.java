package io.openegiz.flux.broker.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real /usr/bin/mosquitto_passwd (CI installs mosquitto-clients) to produce test vectors. */
final class MosquittoPasswd {
  private MosquittoPasswd() {}

  /** {@code mosquitto_passwd [-H algorithm] [-c] -b file user password}. */
  static void add(Path file, String user, String password, boolean create, String algorithm)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("mosquitto_passwd"));
    if (algorithm != null) {
      cmd.addAll(List.of("-H", algorithm));
    }
    if (create) {
      cmd.add("-c");
    }
    cmd.addAll(List.of("-b", file.toString(), user, password));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
  }
}
