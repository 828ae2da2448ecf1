package io.openegiz.flux.broker.metrics;

/**
 * Everything the broker counts, behind one interface so Prometheus and $SYS exporters can be plugged
 * in. Implementations must be cheap and thread-safe: they are called on event loops.
 */
public interface BrokerMetrics {

  /** A client completed CONNECT. */
  void clientConnected();

  /** A connected client went away, for any reason. */
  void clientDisconnected();

  /** A PUBLISH arrived from a client. */
  void messageReceived(int payloadBytes);

  /** A PUBLISH was written to a client. */
  void messageSent(int payloadBytes);

  /** A message was not delivered to one subscriber. */
  void messageDropped(DropReason reason);

  /** Bytes read from or written to the network. */
  void bytesReceived(long n);

  void bytesSent(long n);

  /** An audit event was dropped because the audit writer could not keep up. */
  void auditEventDropped();

  /** A metrics sink that counts nothing. */
  BrokerMetrics NOOP = new BrokerMetrics() {
    @Override
    public void clientConnected() {}
    @Override
    public void clientDisconnected() {}
    @Override
    public void messageReceived(int payloadBytes) {}
    @Override
    public void messageSent(int payloadBytes) {}
    @Override
    public void messageDropped(DropReason reason) {}
    @Override
    public void bytesReceived(long n) {}
    @Override
    public void bytesSent(long n) {}
    @Override
    public void auditEventDropped() {}
  };
}
