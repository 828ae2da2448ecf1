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

  /**
   * @param base     e.g. {@code http://127.0.0.1:8086}
   * @param db       database
   * @param rp       retention policy, or {@code null} for the database's default
   * @param user     user, or {@code null} without authentication
   * @param password password of {@code user}
   * @param timeout  of one request
   */
  public InfluxV1Sink(URI base, String db, String rp, String user, String password, Duration timeout) {
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
  public void prepare() {
    String statement = "CREATE DATABASE " + quoteIdentifier(db);
    try {
      HttpResponse<String> response = http.send(request("/query", "q=" + encode(statement))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("")).build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 == 2 && !response.body().contains("\"error\"")) {
        LOG.info("InfluxDB {}: database {} is there", base, db);
      } else {
        LOG.warn("InfluxDB {}: could not create database {} ({} {}); create it with: {}", base, db,
            response.statusCode(), response.body().strip(), statement);
      }
    } catch (IOException e) {
      LOG.warn("InfluxDB {}: not reachable ({}); the database {} is created once it is", base, e.toString(), db);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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
