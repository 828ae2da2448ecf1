package io.openegiz.flux.broker.config;

import java.nio.file.Path;

/**
 * The broker's HTTP endpoint ({@code http_listener PORT [ADDRESS]}): {@code /metrics}, {@code /health} and
 * the status page.
 *
 * @param port TCP port; 0 picks a free port (tests); -1 when there is no endpoint
 * @param bindAddress address to bind, never null (127.0.0.1 when the key gives none)
 * @param source where it was declared, for messages ("flux.conf:12")
 * @param tokenFile {@code http_auth_token_file}: a bearer token that opens every path; null for none
 * @param passwordFile {@code http_password_file}: users (Mosquitto password file) for basic auth; null for none
 * @param topics the per-topic rates {@code /metrics} exports (metrics_topic_* keys)
 */
public record HttpConfig(int port, String bindAddress, String source, Path tokenFile, Path passwordFile,
    TopicMetrics topics) {

  /** An endpoint without authentication, with the default per-topic rates. */
  public HttpConfig(int port, String bindAddress, String source) {
    this(port, bindAddress, source, null, null, TopicMetrics.DEFAULT);
  }

  /** What {@code http_listener PORT} binds when no address is given: this machine only. */
  public static final String LOOPBACK = "127.0.0.1";

  /** No HTTP endpoint (the default: it is opened only when configured). */
  public static final HttpConfig NONE = new HttpConfig(-1, LOOPBACK, "default");

  /** True when an endpoint is configured. */
  public boolean enabled() {
    return port >= 0;
  }

  /** True when requests must authenticate (every path but {@code /health}). */
  public boolean authenticated() {
    return tokenFile != null || passwordFile != null;
  }

  /** This endpoint with its credentials. */
  public HttpConfig withAuth(Path token, Path passwords) {
    return new HttpConfig(port, bindAddress, source, token, passwords, topics);
  }

  /** This endpoint with other per-topic rates. */
  public HttpConfig withTopics(TopicMetrics t) {
    return new HttpConfig(port, bindAddress, source, tokenFile, passwordFile, t);
  }

  /** True when the endpoint answers only this machine. */
  public boolean loopbackOnly() {
    return new ListenerConfig(port, bindAddress, source).loopbackOnly();
  }
}
