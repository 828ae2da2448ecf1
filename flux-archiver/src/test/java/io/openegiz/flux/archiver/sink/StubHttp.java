package io.openegiz.flux.archiver.sink;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * A JDK HTTP server standing in for a database where no real one can give the answer (influxd 1.x never sends 429;
 * there is no InfluxDB 2.x here): records each request as {@code METHOD uri|Authorization|body} (the body
 * un-gzipped) and answers with the status, {@code Retry-After} and body set by the test.
 */
final class StubHttp implements AutoCloseable {
  private final HttpServer server;
  final List<String> requests = new CopyOnWriteArrayList<>();
  volatile int status = 204;
  volatile String retryAfter;
  volatile String body = "";

  StubHttp() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", exchange -> {
      String text;
      boolean gzip = "gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"));
      try (InputStream in = gzip ? new GZIPInputStream(exchange.getRequestBody()) : exchange.getRequestBody()) {
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + "|"
          + exchange.getRequestHeaders().getFirst("Authorization") + "|" + text);
      if (retryAfter != null) {
        exchange.getResponseHeaders().add("Retry-After", retryAfter);
      }
      byte[] answer = body.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
      if (answer.length > 0) {
        exchange.getResponseBody().write(answer);
      }
      exchange.close();
    });
    server.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The last request. */
  String last() {
    return requests.getLast();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
