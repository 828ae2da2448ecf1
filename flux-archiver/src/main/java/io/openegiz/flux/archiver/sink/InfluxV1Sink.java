package io.openegiz.flux.archiver.sink;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * InfluxDB 1.x: {@code POST /write?db=&rp=&precision=ms} with a gzip body and HTTP basic authentication; status
 * codes as in ../shared/reference/archiver.md §3.2.
 */
public final class InfluxV1Sink implements LineSink {
  private static final Logger LOG = LoggerFactory.getLogger(InfluxV1Sink.class);

  private final URI base;
  private final String db;
  private final String rp;
  private final String authorization;
  private final HttpClient http;
  private final Duration timeout;
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
    this.base = base;
    this.db = db;
    this.rp = rp;
    this.authorization = user == null
        ? null
        : "Basic " + Base64.getEncoder().encodeToString((user + ":" + (password == null ? "" : password))
            .getBytes(StandardCharsets.UTF_8));
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
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
      LOG.info("InfluxDB {}: database {} is ready{}", base, db, retention == null ? "" : " with " + retention);
    } else {
      LOG.warn("InfluxDB {}: could not prepare database {} ({}); an administrator can run:\n  {}", base, db,
          reason, String.join(";\n  ", failed));
    }
    return failed;
  }

  /** Runs one InfluxQL statement; the error, or {@code null} when it succeeded. */
  String run(String statement) {
    try {
      HttpResponse<String> response = http.send(request("/query", "q=" + encode(statement))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("")).build(), HttpResponse.BodyHandlers.ofString());
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
    try {
      HttpResponse<String> response = http.send(request("/write", writeQuery())
          .header("Content-Type", "text/plain; charset=utf-8").header("Content-Encoding", "gzip")
          .POST(HttpRequest.BodyPublishers.ofByteArray(gzip(lines))).build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 404) {
        prepare(); // the database is missing (dropped, or InfluxDB was down at start): create it, then retry
      }
      return result(response);
    } catch (IOException e) {
      return new WriteResult.Retry("InfluxDB " + base + ": " + e, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new WriteResult.Retry("interrupted", null);
    }
  }

  /** The answer to a write, by status code (reference §3.2, §0.9). */
  static WriteResult result(HttpResponse<String> response) {
    int status = response.statusCode();
    String body = response.body() == null ? "" : response.body().strip();
    return switch (status) {
      case 200, 204 -> new WriteResult.Written();
      case 400, 422 -> new WriteResult.Rejected(status, body);
      case 413 -> new WriteResult.TooLarge();
      case 429, 503 -> new WriteResult.Retry((status + " " + body).strip(),
          RetryAfter.parse(response.headers().firstValue("Retry-After").orElse(null)));
      default -> new WriteResult.Retry((status + " " + body).strip(), null);
    };
  }

  private String writeQuery() {
    StringBuilder query = new StringBuilder("db=").append(encode(db)).append("&precision=ms");
    if (rp != null) {
      query.append("&rp=").append(encode(rp));
    }
    return query.toString();
  }

  private HttpRequest.Builder request(String path, String query) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path + "?" + query)).timeout(timeout);
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    return builder;
  }

  private static byte[] gzip(List<String> lines) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * lines.size() + 64);
    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes, 64 * 1024)) {
      for (String line : lines) {
        gzip.write(line.getBytes(StandardCharsets.UTF_8));
        gzip.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** An InfluxQL identifier in double quotes, with quotes and backslashes escaped. */
  static String quoteIdentifier(String name) {
    return "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
