package io.openegiz.flux.broker.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /health}: readiness, 200 when every check is ok and 503 otherwise (load balancers, the Docker
 * health check, Kubernetes readiness); {@code GET /health/live}: liveness, 200 whenever the process
 * answers at all (a store that cannot write makes the broker not ready, but restarting it would not help).
 */
public final class HealthHandler implements HttpHandler {
  public static final String PATH = "/health";
  private static final String LIVE = PATH + "/live";

  private final Supplier<Health> health;

  public HealthHandler(Supplier<Health> health) {
    this.health = health;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!Responses.allowGetOrHead(exchange)) {
        return;
      }
      String path = exchange.getRequestURI().getPath();
      if (path.equals(LIVE)) {
        Responses.json(exchange, 200, "{\"status\":\"live\",\"live\":true}");
      } else if (path.equals(PATH) || path.equals(PATH + "/") || path.equals(PATH + "/ready")) {
        Health h = health.get();
        Responses.json(exchange, h.ready() ? 200 : 503, json(h));
      } else {
        Responses.text(exchange, 404, "not found; accepted: " + PATH + ", " + PATH + "/ready, " + LIVE + "\n");
      }
    }
  }

  static String json(Health h) {
    StringBuilder b = new StringBuilder("{\"status\":\"").append(h.ready() ? "ready" : "not_ready")
        .append("\",\"live\":true,\"ready\":").append(h.ready()).append(",\"checks\":{");
    String sep = "";
    for (Map.Entry<String, String> e : h.checks().entrySet()) {
      b.append(sep).append(Responses.quote(e.getKey())).append(':').append(Responses.quote(e.getValue()));
      sep = ",";
    }
    return b.append("}}").toString();
  }
}
