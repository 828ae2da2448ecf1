package io.openegiz.flux.archiver.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real InfluxDB 1.x (Debian's {@code influxd}) started by the test on free loopback ports with its own config and
 * data directory; {@link #stop} and {@link #start} keep the data, so a test can take the database away and back.
 */
final class InfluxD implements AutoCloseable {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final Path dir;
  private final int httpPort;
  private final HttpClient http = HttpClient.newHttpClient();
  private Process process;
  private String credentials = "";

  InfluxD(Path dir) throws IOException {
    this(dir, false);
  }

  /** With {@code auth}, influxd asks for credentials; the first user must be created as an admin. */
  InfluxD(Path dir, boolean auth) throws IOException {
    this.dir = dir;
    this.httpPort = freePort();
    int rpcPort = freePort();
    Files.writeString(dir.resolve("influxdb.conf"), """
        reporting-disabled = true
        bind-address = "127.0.0.1:%d"
        [meta]
          dir = "%s/meta"
        [data]
          dir = "%s/data"
          wal-dir = "%s/wal"
          query-log-enabled = false
        [http]
          bind-address = "127.0.0.1:%d"
          log-enabled = false
          auth-enabled = %s
        [monitor]
          store-enabled = false
        """.formatted(rpcPort, dir, dir, dir, httpPort, auth));
    start();
  }

  /** Ports handed out in this JVM: a port closed again may be handed out twice by the system. */
  private static final java.util.Set<Integer> GIVEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** A free port, never one this JVM was given before (two ports picked in a row must differ). */
  static int freePort() throws IOException {
    while (true) {
      try (ServerSocket socket = new ServerSocket(0)) {
        if (GIVEN.add(socket.getLocalPort())) {
          return socket.getLocalPort();
        }
      }
    }
  }

  void start() throws IOException {
    process = new ProcessBuilder("influxd", "run", "-config", dir.resolve("influxdb.conf").toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("influxd.log").toFile()).start();
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> http.send(
        HttpRequest.newBuilder(url().resolve("/ping")).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode() == 204);
  }

  void stop() throws InterruptedException {
    process.destroy();
    process.waitFor();
  }

  /** SIGKILL: influxd ends without flushing anything; {@link #start} recovers its data from the WAL. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + httpPort);
  }

  /** Runs an InfluxQL statement (POST, so that writes such as CREATE work too) and returns the JSON answer. */
  JsonNode query(String db, String q) throws IOException, InterruptedException {
    String form = "db=" + URLEncoder.encode(db, StandardCharsets.UTF_8) + "&epoch=ms&q="
        + URLEncoder.encode(q, StandardCharsets.UTF_8);
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(url().resolve("/query?" + credentials))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body());
  }

  /** Queries as this user from now on. */
  void login(String user, String password) {
    credentials = "u=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&p="
        + URLEncoder.encode(password, StandardCharsets.UTF_8) + "&";
  }

  /** Writes raw line protocol (ms) and returns the status code. */
  int write(String db, String lines) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(url().resolve("/write?precision=ms&db=" + db))
        .POST(HttpRequest.BodyPublishers.ofString(lines)).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** The rows of the first series of a SELECT, each row as its values. */
  List<JsonNode> rows(String db, String q) throws IOException, InterruptedException {
    List<JsonNode> rows = new ArrayList<>();
    for (JsonNode series : query(db, q).path("results").path(0).path("series")) {
      for (JsonNode row : series.path("values")) {
        rows.add(row);
      }
    }
    return rows;
  }

  /** The whole first series of a SELECT: columns and values. */
  JsonNode series(String db, String q) throws IOException, InterruptedException {
    return query(db, q).path("results").path(0).path("series").path(0);
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      stop();
    }
  }
}
