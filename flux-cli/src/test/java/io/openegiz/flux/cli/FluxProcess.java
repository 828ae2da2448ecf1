package io.openegiz.flux.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A {@code flux} command in a JVM of its own, on the test's classpath, with its output in a log file. */
final class FluxProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private FluxProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts {@code flux ARGS...}, its stdout and stderr in {@code log}. */
  static FluxProcess start(Path log, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), FluxCommand.class.getName()));
    cmd.addAll(List.of(args));
    return new FluxProcess(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start(),
        log);
  }

  /** A free loopback port. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Waits until the log holds {@code text}, failing with the log if the process ends first. */
  FluxProcess awaitLog(String text, Duration within) {
    await().atMost(within).until(() -> {
      String out = output();
      assertThat(process.isAlive()).as("flux exited before printing '%s':%n%s", text, out).isTrue();
      return out.contains(text);
    });
    return this;
  }

  String output() throws IOException {
    return Files.readString(log);
  }

  /** SIGTERM, then the exit code within {@code within}. */
  int terminate(Duration within) throws InterruptedException {
    process.destroy();
    assertThat(process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)).as("flux stopped after SIGTERM").isTrue();
    return process.exitValue();
  }

  /** The exit code once the process ends by itself within {@code within}. */
  int exitCode(Duration within) throws InterruptedException {
    assertThat(process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)).as("flux ended by itself").isTrue();
    return process.exitValue();
  }

  /** SIGKILL: no shutdown code runs. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
