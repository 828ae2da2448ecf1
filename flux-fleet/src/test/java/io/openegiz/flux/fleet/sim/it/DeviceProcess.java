package io.openegiz.flux.fleet.sim.it;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The firmware's Linux port, {@code flux-device}, run as a real process: the C++ core over libmosquitto, built by
 * {@code firmware/build-and-test} into {@code firmware/build}.
 */
final class DeviceProcess implements AutoCloseable {
  /** Where firmware/build-and-test leaves the binary; the tests run in the module directory. */
  static final Path BINARY = Path.of("..", "firmware", "build", "flux-device").toAbsolutePath().normalize();
  private static final Pattern STOPPED = Pattern.compile(
      "stopped: (\\d+) readings, (\\d+) acknowledged, (\\d+) unacknowledged, (\\d+) dropped");

  private final Process process;
  private final Path log;

  private DeviceProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts {@code flux-device} with {@code args}; fails the test, saying how to build it, if it is not built. */
  static DeviceProcess start(Path dir, String name, List<String> args) throws IOException {
    if (!Files.isExecutable(BINARY)) {
      fail("flux-device is not built: " + BINARY
          + " is missing. Run firmware/build-and-test (Debian packages: cmake g++ "
          + "pkg-config libmosquitto-dev libmbedtls-dev libcurl4-openssl-dev doctest-dev openssl) before this test;"
          + " ./run-tests does it first.");
    }
    List<String> command = new ArrayList<>();
    command.add(BINARY.toString());
    command.addAll(args);
    Path log = dir.resolve(name + ".log");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new DeviceProcess(p, log);
  }

  String log() throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: the process dies with its socket, no DISCONNECT, as a device losing power. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /**
   * SIGSTOP: the device hangs with its connection open, as a board whose firmware locked up; only its missing
   * keep-alive pings tell the broker.
   */
  void freeze() throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-STOP", String.valueOf(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      fail("kill -STOP " + process.pid() + " failed");
    }
  }

  /** SIGTERM: the device publishes its retained offline status and disconnects; returns its exit code. */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("flux-device did not stop within 10 s of SIGTERM");
    }
    return process.exitValue();
  }

  /** The counters of the line a stopped device writes last: readings, acknowledged, unacknowledged, dropped. */
  long[] stoppedCounters() throws IOException {
    Matcher m = STOPPED.matcher(log());
    if (!m.find()) {
      fail("flux-device wrote no \"stopped:\" line:\n" + log());
    }
    return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
        Long.parseLong(m.group(4))};
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
