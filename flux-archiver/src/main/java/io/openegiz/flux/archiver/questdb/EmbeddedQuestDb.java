package io.openegiz.flux.archiver.questdb;

import io.questdb.ServerMain;
import io.questdb.log.LogFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * QuestDB running in this JVM (org.questdb:questdb): its data, configuration and log settings under one root
 * directory, only its HTTP endpoint open (SQL {@code /exec}, ILP {@code /write}), bound to one address. PG wire,
 * ILP over TCP and UDP, the minimal health server and telemetry are off, so nothing else listens and nothing
 * phones home. Started once by {@link #start}; {@link #close} stops it and may be called again.
 */
public final class EmbeddedQuestDb implements AutoCloseable {
  /**
   * QuestDB's own log (it does not use SLF4J): errors to stdout only; its INFO lines are a few per query. Written
   * only when the root has no {@code conf/log.conf} yet, so an operator can change it. QuestDB reads it once per
   * JVM, when its log is first used.
   */
  private static final String LOG_CONF = """
      writers=stdout
      w.stdout.class=io.questdb.log.LogConsoleWriter
      w.stdout.level=ERROR,CRITICAL
      """;

  private final ServerMain server;
  private final String host;
  private final int httpPort;
  private boolean closed;

  private EmbeddedQuestDb(ServerMain server, String host, int httpPort) {
    this.server = server;
    this.host = host;
    this.httpPort = httpPort;
  }

  /**
   * Starts QuestDB and waits until it answers; takes a few seconds.
   *
   * @param root     directory of its data ({@code db/}) and configuration ({@code conf/}); created if missing
   * @param bindHost the address its HTTP endpoint listens on, e.g. {@code 127.0.0.1}
   * @param httpPort its HTTP port, or 0 for any free one
   * @throws UncheckedIOException when the root cannot be made
   * @throws RuntimeException     QuestDB's own error when it cannot start (port taken, root locked by another one)
   */
  public static EmbeddedQuestDb start(Path root, String bindHost, int httpPort) {
    try {
      Files.createDirectories(root.resolve("conf"));
      Path logConf = root.resolve("conf").resolve("log.conf");
      if (!Files.exists(logConf)) {
        Files.writeString(logConf, LOG_CONF, StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("QuestDB root " + root + ": " + e.getMessage(), e);
    }
    LogFactory.configureRootDir(root.toAbsolutePath().toString());
    Map<String, String> env = Map.of(
        "QDB_HTTP_BIND_TO", bindHost + ":" + httpPort,
        "QDB_PG_ENABLED", "false",
        "QDB_LINE_TCP_ENABLED", "false",
        "QDB_LINE_UDP_ENABLED", "false",
        "QDB_HTTP_MIN_ENABLED", "false",
        "QDB_TELEMETRY_ENABLED", "false",
        "QDB_TELEMETRY_DISABLE_COMPLETELY", "true");
    ServerMain server = ServerMain.create(root.toAbsolutePath().toString(), env);
    try {
      server.start();
      server.awaitStartup();
      return new EmbeddedQuestDb(server, bindHost, server.getHttpServerPort());
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /** The base URL of its HTTP endpoint, e.g. {@code http://127.0.0.1:9000}. */
  public URI httpUrl() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return URI.create("http://" + ("0.0.0.0".equals(host) ? "127.0.0.1" : h) + ":" + httpPort);
  }

  /** The port its HTTP endpoint listens on. */
  public int httpPort() {
    return httpPort;
  }

  /** Stops QuestDB: its workers end and its files are closed; a second call does nothing. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      server.close();
    }
  }
}
