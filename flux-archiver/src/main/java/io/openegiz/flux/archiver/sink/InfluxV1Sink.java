package io.openegiz.flux.archiver.sink;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * InfluxDB 1.x: {@code POST /write?db=&rp=&precision=ms} with a gzip body and HTTP basic authentication; status
 * codes as in ../shared/reference/archiver.md §3.2.
 */
public final class InfluxV1Sink implements LineSink {
  private static final Logger LOG = LoggerFactory.getLogger(InfluxV1Sink.class);

  private final LineHttp http;
  private final String db;
  private final String rp;
  private final Retention retention;

  /**
   * @param base     e.g. {@code http://127.0.0.1:8086}
   * @param db       database
   * @param rp       retention policy, or {@code null} for the database's default
   * @param user     user, or {@code null} without authentication
   * @param password password of {@code user}
   * @param timeout  of one request
   * @param retention the retention policies and continuous query to set up, or {@code null} to leave them alone
   */
  public InfluxV1Sink(URI base, String db, String rp, String user, String password, Duration timeout,
      Retention retention) {
    this.retention = retention;
    this.db = db;
    this.rp = rp;
    String authorization = user == null
        ? null
        : "Basic " + Base64.getEncoder().encodeToString((user + ":" + (password == null ? "" : password))
            .getBytes(StandardCharsets.UTF_8));
    this.http = new LineHttp(base, authorization, timeout);
  }

  @Override
  public List<String> prepare() {
    List<String> statements = new ArrayList<>();
    statements.add("CREATE DATABASE " + quoteIdentifier(db));
    if (retention != null) {
      statements.addAll(retention.statements(db, rp));
    }
    List<String> failed = new ArrayList<>();
    String reason = null;
    for (String statement : statements) {
      String error = run(statement);
      if (error != null) {
        failed.add(statement);
        reason = reason == null ? error : reason;
      }
    }
    if (failed.isEmpty()) {
      LOG.info("InfluxDB {}: database {} is ready{}", http.base(), db, retention == null ? "" : " with " + retention);
    } else {
      LOG.warn("InfluxDB {}: could not prepare database {} ({}); an administrator can run:\n  {}", http.base(), db,
          reason, String.join(";\n  ", failed));
    }
    return failed;
  }

  /** Runs one InfluxQL statement; the error, or {@code null} when it succeeded. */
  String run(String statement) {
    try {
      HttpResponse<String> response = http.send(http.request("/query?q=" + LineHttp.encode(statement))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("")).build());
      String body = response.body().strip();
      if (response.statusCode() / 100 != 2 || body.contains("\"error\"")) {
        // CREATE of an existing policy with other settings fails, and the ALTER after it sets them; CREATE of an
        // existing continuous query fails too (InfluxQL has no IF NOT EXISTS for either).
        return body.contains("already exists") ? null : response.statusCode() + " " + body;
      }
      return null;
    } catch (IOException e) {
      return "not reachable: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  @Override
  public WriteResult write(List<String> lines) {
    // 404: the database is missing (dropped, or InfluxDB was down at start): create it, then the write is retried.
    return http.write("/write?" + writeQuery(), lines, this::prepare);
  }

  private String writeQuery() {
    StringBuilder query = new StringBuilder("db=").append(LineHttp.encode(db)).append("&precision=ms");
    if (rp != null) {
      query.append("&rp=").append(LineHttp.encode(rp));
    }
    return query.toString();
  }

  /** An InfluxQL identifier in double quotes, with quotes and backslashes escaped. */
  static String quoteIdentifier(String name) {
    return "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
