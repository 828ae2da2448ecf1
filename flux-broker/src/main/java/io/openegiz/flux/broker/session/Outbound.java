package io.openegiz.flux.broker.session;

import io.netty.util.concurrent.EventExecutor;
import io.openegiz.flux.broker.message.Delivery;

/**
 * The connection side of a session: what the session needs to send to its client. Implemented by the
 * connection handler; every method except {@link #executor()} is called on that executor only.
 */
public interface Outbound {

  /** The event loop that owns the connection; session drains run there. */
  EventExecutor executor();

  /** The client's receive maximum: how many QoS 1/2 PUBLISH may be unacknowledged at once. */
  int receiveMaximum();

  /** Writes (without flushing) a PUBLISH; false if it cannot be sent to this client (too large). */
  boolean writePublish(Delivery delivery, int packetId, boolean dup);

  /** Writes (without flushing) a PUBREL. */
  void writePubrel(int packetId);

  void flush();

  /** The MQTT protocol level of the connection: 4 (3.1.1) or 5; stored with a persistent session. */
  default int protocolVersion() {
    return 4;
  }

  /** Ends the connection because another one took its session over [MQTT-3.1.4-3]. */
  void takenOver();
}
