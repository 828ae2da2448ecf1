package io.openegiz.flux.broker.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * {@code GET /metrics}: every metric of the registry in the Prometheus text format (0.0.4). Counters and
 * gauges are read from the broker's counters at scrape time, so the endpoint costs nothing between scrapes.
 */
public final class MetricsHandler implements HttpHandler {
  public static final String PATH = "/metrics";

  private final PrometheusRegistry registry;
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

  public MetricsHandler(PrometheusRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!Responses.allowGetOrHead(exchange)) {
        return;
      }
      if (!exchange.getRequestURI().getPath().equals(PATH)) {
        Responses.text(exchange, 404, "not found; accepted: " + PATH + "\n");
        return;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
      writer.write(out, registry.scrape());
      Responses.send(exchange, 200, writer.getContentType(), out.toByteArray());
    }
  }
}
