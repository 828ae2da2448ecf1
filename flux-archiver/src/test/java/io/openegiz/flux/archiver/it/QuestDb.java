package io.openegiz.flux.archiver.it;

import io.openegiz.flux.archiver.questdb.EmbeddedQuestDb;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** An embedded QuestDB on a free loopback port for a test, or one running already, and its SQL over {@code /exec}. */
final class QuestDb implements AutoCloseable {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final HttpClient http = HttpClient.newHttpClient();
  private final EmbeddedQuestDb db;
  private final URI url;

  QuestDb(Path root) {
    this.db = EmbeddedQuestDb.start(root, "127.0.0.1", 0);
    this.url = db.httpUrl();
  }

  /** The SQL of a QuestDB someone else runs; {@link #close} leaves it alone. */
  QuestDb(URI url) {
    this.db = null;
    this.url = url;
  }

  URI url() {
    return url;
  }

  /** Runs one SQL statement; QuestDB's JSON answer ({@code columns}, {@code dataset}); fails on an error. */
  JsonNode exec(String sql) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(url().resolve("/exec?query="
        + URLEncoder.encode(sql, StandardCharsets.UTF_8))).GET().build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new AssertionError(sql + ": " + response.statusCode() + " " + response.body());
    }
    return JSON.readTree(response.body());
  }

  /** The rows of a query, each a JSON array of its columns. */
  JsonNode rows(String sql) throws IOException, InterruptedException {
    return exec(sql).path("dataset");
  }

  /** The single number a query returns, e.g. of {@code SELECT count() FROM t}. */
  long number(String sql) throws IOException, InterruptedException {
    return rows(sql).path(0).path(0).asLong();
  }

  @Override
  public void close() {
    if (db != null) {
      db.close();
    }
  }
}
