package io.openegiz.flux.broker.protocol;

/**
 * Names of the pipeline's handlers, in pipeline order. The order is the design:
 * a connection over its address's rate is refused first, bytes are counted (as they are on the wire), TLS
 * removed, flushes consolidated, then packets framed (with the size limit) before the
 * codec decodes them (the framer and the encoder also count packets by type, for {@code $SYS} and
 * {@code /metrics}: no handler of their own on every packet's way), and the connection handler sees whole packets
 * only. Before any of these, the
 * listener's server channel runs the transport's {@code AcceptGuard}, which closes a connection beyond a
 * connection cap before it gets a pipeline at all. The names live here, beside the connection handler,
 * because protocol adds a handler by name (keep alive) and never imports the transport.
 */
public final class HandlerNames {
  private HandlerNames() {}

  /** Refuses connections above the per-address rate before any work is spent; removes itself. */
  public static final String CONNECT_GUARD = "connectGuard";
  public static final String BYTE_COUNTER = "byteCounter";
  /** TLS listeners only: decrypts before anything else sees the bytes. */
  public static final String TLS = "tls";
  public static final String FLUSH_CONSOLIDATION = "flushConsolidation";
  public static final String FRAME_DECODER = "frameDecoder";
  public static final String MQTT_DECODER = "mqttDecoder";
  public static final String MQTT_ENCODER = "mqttEncoder";
  /** Added after CONNECT when the client has a keep alive. */
  public static final String KEEP_ALIVE = "keepAlive";
  public static final String CONNECTION = "connection";
}
