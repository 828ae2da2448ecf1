package io.openegiz.flux.fleet.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * A broker process on a fixed loopback port with its generated config file, which can be killed and
 * started again on the same port; used by the scenarios that run brokers themselves.
 */
public final class LaunchedBroker implements BrokerControl, AutoCloseable {
  private final String name;
  private final List<String> command;
  private final Path log;
  private final String host;
  private final int port;
  private final Consumer<String> out;
  private BrokerProcess process;
  private int starts;

  private LaunchedBroker(String name, List<String> command, Path log, String host, int port, Consumer<String> out) {
    this.name = name;
    this.command = command;
    this.log = log;
    this.host = host;
    this.port = port;
    this.out = out;
  }

  /** Writes {@code b}'s config for a free port plus {@code extraConfig} into {@code workDir} and starts it. */
  public static LaunchedBroker start(BrokerUnderTest b, String extraConfig, Path workDir, String host,
      Consumer<String> out) throws IOException, InterruptedException {
    Files.createDirectories(workDir);
    int port = BrokerProcess.freeLoopbackPort();
    Path conf = workDir.resolve(b.name() + ".conf");
    Files.writeString(conf, b.configForPort().apply(port) + extraConfig);
    LaunchedBroker broker = new LaunchedBroker(b.name(), b.command().apply(conf), workDir.resolve(b.name() + ".log"),
        host, port, out);
    broker.start();
    return broker;
  }

  public String name() {
    return name;
  }

  public int port() {
    return port;
  }

  /** The process id of the running broker, for reading its memory and CPU from /proc. */
  public long pid() {
    return process.pid();
  }

  @Override
  public void start() throws IOException, InterruptedException {
    // each start logs to its own file so that a restart keeps the log of the killed run
    Path file = starts == 0 ? log : log.resolveSibling(log.getFileName() + "." + starts);
    starts++;
    out.accept("starting " + name + ": " + shown(command) + " (log " + file + ")");
    process = BrokerProcess.start(name, command, file, host, port);
    out.accept(process + " listening on " + host + ":" + port);
  }

  /** The command line with a class path shortened to its size: a ladder starts a broker per step. */
  private static String shown(List<String> command) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < command.size(); i++) {
      boolean classPath = i > 0 && command.get(i - 1).equals("-cp");
      b.append(i == 0 ? "" : " ").append(classPath
          ? "<" + command.get(i).split(java.io.File.pathSeparator).length + " class path entries>"
          : command.get(i));
    }
    return b.toString();
  }

  @Override
  public void kill() throws InterruptedException {
    process.kill();
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null) {
      process.close();
    }
  }
}
