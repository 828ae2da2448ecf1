package io.openegiz.flux.broker.http;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.openegiz.flux.broker.config.HttpConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoint of {@code http_listener}: the JDK's HTTP server, one virtual thread per request, so a
 * slow scrape or an open event stream never holds up another request, and nothing runs on the event loops.
 * Paths are matched by prefix, longest first ({@code /} catches the rest). Routes may be added before
 * or after {@link #start()}; start and stop are idempotent.
 */
public final class HttpListener implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpListener.class);
  /**
   * Connections the endpoint holds at once; more are closed as soon as accepted. Without a cap, clients that
   * send half a request line (no credentials needed: those are read after the headers) held a descriptor each
   * until the broker's ran out and MQTT clients could no longer connect.
   */
  public static final int MAX_CONNECTIONS = 256;
  /** Seconds a client has to send its request (headers and body); a stream's response is not bounded. */
  public static final int MAX_REQUEST_SECONDS = 10;

  static {
    // The JDK's server reads these once, when the first one starts; a -D given to the JVM wins.
    defaultProperty("jdk.httpserver.maxConnections", MAX_CONNECTIONS);
    defaultProperty("sun.net.httpserver.maxReqTime", MAX_REQUEST_SECONDS);
  }

  private static void defaultProperty(String name, int value) {
    if (System.getProperty(name) == null) {
      System.setProperty(name, Integer.toString(value));
    }
  }

  private final HttpConfig config;
  private final Map<String, HttpHandler> routes = new LinkedHashMap<>();
  private final HttpAuth auth;
  private HttpServer server;
  private ExecutorService executor;
  private boolean stopped;

  public HttpListener(HttpConfig config) {
    this(config, Clock.systemUTC());
  }

  /** An endpoint whose login throttle reads {@code clock}. */
  public HttpListener(HttpConfig config, Clock clock) {
    if (!config.enabled()) {
      throw new IllegalArgumentException("no http_listener configured");
    }
    this.config = config;
    this.auth = HttpAuth.of(config, clock);
  }

  /**
   * Serves {@code path} (and every path below it without a route of its own) with {@code handler}.
   *
   * @throws IllegalArgumentException when the path is already routed or does not start with "/"
   */
  public synchronized void route(String path, HttpHandler handler) {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("an HTTP path starts with /: " + path);
    }
    if (routes.putIfAbsent(path, handler) != null) {
      throw new IllegalArgumentException("HTTP path already routed: " + path);
    }
    if (server != null) {
      context(path, handler);
    }
  }

  /** Every path but {@code /health} is behind the authentication, when one is configured. */
  private void context(String path, HttpHandler handler) {
    HttpContext context = server.createContext(path, handler);
    if (auth != null && !path.equals(HealthHandler.PATH)) {
      context.getFilters().add(auth);
    }
  }

  /** Whether requests other than {@code /health} must authenticate (http_auth_token_file, http_password_file). */
  public boolean authenticated() {
    return auth != null;
  }

  /** Binds the port; fails with the address and the reason when it cannot. */
  public synchronized HttpListener start() {
    if (server != null || stopped) {
      return this;
    }
    String name = config.bindAddress() + ":" + config.port();
    try {
      server = HttpServer.create(new InetSocketAddress(config.bindAddress(), config.port()), 64);
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot listen for HTTP on " + name + " (" + config.source() + "): "
          + e.getMessage(), e);
    }
    executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("flux-http-", 0).factory());
    server.setExecutor(executor);
    routes.forEach(this::context);
    server.start();
    LOG.info("listening for HTTP (/metrics, /health) on {}:{} ({})", config.bindAddress(), port(), config.source());
    return this;
  }

  /** The address actually bound (port 0 resolved); null before start. */
  public synchronized InetSocketAddress address() {
    return server == null ? null : server.getAddress();
  }

  /** The port actually bound; -1 before start. */
  public synchronized int port() {
    return server == null ? -1 : server.getAddress().getPort();
  }

  /** Whether the endpoint answers only this machine (the status page asks for credentials otherwise). */
  public boolean loopbackOnly() {
    return config.loopbackOnly();
  }

  @Override
  public synchronized void close() {
    if (stopped) {
      return;
    }
    stopped = true;
    if (server != null) {
      server.stop(0); // open event streams would otherwise hold the stop for its whole delay
      executor.shutdownNow();
    }
  }
}
