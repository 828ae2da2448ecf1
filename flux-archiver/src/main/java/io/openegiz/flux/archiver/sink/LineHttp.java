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
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * The HTTP side every sink shares: one keep-alive HTTP/1.1 client for one database, gzip line-protocol writes,
 * and the mapping of a write's status code onto {@link WriteResult} (../shared/reference/archiver.md §0.9, §4.1):
 * 2xx written; 400/422 rejected (bisect); 413 too large (split); 429/503 retry after {@code Retry-After}; any other
 * status or a connection error retry with backoff.
 */
final class LineHttp {
  private final URI base;
  private final String authorization;
  private final Duration timeout;
  private final HttpClient http;

  /**
   * @param base          e.g. {@code http://127.0.0.1:8086}
   * @param authorization the {@code Authorization} header of every request, or {@code null}
   * @param timeout       of one request, and of connecting
   */
  LineHttp(URI base, String authorization, Duration timeout) {
    this.base = base;
    this.authorization = authorization;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
  }

  URI base() {
    return base;
  }

  /**
   * POSTs lines, gzip-compressed, one per line.
   *
   * @param pathAndQuery e.g. {@code /write?db=x&precision=ms}, with the query already encoded
   * @param onNotFound   run when the database answers 404 (a missing database or bucket), or {@code null}
   */
  WriteResult write(String pathAndQuery, List<String> lines, Runnable onNotFound) {
    try {
      HttpResponse<String> response = http.send(request(pathAndQuery)
          .header("Content-Type", "text/plain; charset=utf-8").header("Content-Encoding", "gzip")
          .POST(HttpRequest.BodyPublishers.ofByteArray(gzip(lines))).build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 404 && onNotFound != null) {
        onNotFound.run();
      }
      return result(response);
    } catch (IOException e) {
      return new WriteResult.Retry(base + ": " + e, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new WriteResult.Retry("interrupted", null);
    }
  }

  /** Sends a request built on {@link #request}; the answer's body as text. */
  HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** A request to {@code base + pathAndQuery} with the timeout and the authorization header. */
  HttpRequest.Builder request(String pathAndQuery) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(timeout);
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    return builder;
  }

  /** The answer to a write, by status code. */
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

  /** A query-string value, URL-encoded. */
  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
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
}
