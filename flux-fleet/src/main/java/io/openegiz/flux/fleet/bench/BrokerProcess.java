package io.openegiz.flux.fleet.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A broker running as a child process, so it never shares a JVM with the load generator. */
public final class BrokerProcess implements AutoCloseable {
  private static final long START_TIMEOUT_MS = 60_000; // ./flux may build itself first

  private final Process process;
  private final String name;

  private BrokerProcess(String name, Process process) {
    this.name = name;
    this.process = process;
  }

  /** Starts {@code command}, logging to {@code log}, and waits until the port accepts connections. */
  public static BrokerProcess start(String name, List<String> command, Path log, String host, int port)
      throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
    BrokerProcess broker = new BrokerProcess(name, p);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IOException(name + " exited with status " + p.exitValue() + " before listening; see " + log);
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(host, port), 200);
        return broker;
      } catch (IOException notYet) {
        TimeUnit.MILLISECONDS.sleep(100);
      }
    }
    broker.close();
    throw new IOException(name + " did not listen on " + host + ":" + port + " within " + START_TIMEOUT_MS + " ms");
  }

  /** A port that was free on the loopback address a moment ago. */
  public static int freeLoopbackPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  public long pid() {
    return process.pid();
  }

  /** SIGKILL: the broker gets no chance to close connections or save anything. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGTERM, then SIGKILL if the broker has not exited within ten seconds. */
  @Override
  public void close() throws InterruptedException {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ")";
  }
}
