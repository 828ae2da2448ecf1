package io.openegiz.flux.broker.metrics;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** In-process counters for every metric; the source the exporters read from. */
public final class CountingMetrics implements BrokerMetrics {
  private final LongAdder connected = new LongAdder();
  private final LongAdder connectionsTotal = new LongAdder();
  private final LongAdder messagesReceived = new LongAdder();
  private final LongAdder messagesSent = new LongAdder();
  private final LongAdder payloadBytesReceived = new LongAdder();
  private final LongAdder payloadBytesSent = new LongAdder();
  private final LongAdder bytesReceived = new LongAdder();
  private final LongAdder bytesSent = new LongAdder();
  private final LongAdder auditEventsDropped = new LongAdder();
  private final Map<DropReason, LongAdder> drops = new EnumMap<>(DropReason.class);

  public CountingMetrics() {
    for (DropReason r : DropReason.values()) {
      drops.put(r, new LongAdder());
    }
  }

  @Override
  public void clientConnected() { connected.increment(); connectionsTotal.increment(); }
  @Override
  public void clientDisconnected() { connected.decrement(); }
  @Override
  public void messageReceived(int n) { messagesReceived.increment(); payloadBytesReceived.add(n); }
  @Override
  public void messageSent(int n) { messagesSent.increment(); payloadBytesSent.add(n); }
  @Override
  public void messageDropped(DropReason reason) { drops.get(reason).increment(); }
  @Override
  public void bytesReceived(long n) { bytesReceived.add(n); }
  @Override
  public void bytesSent(long n) { bytesSent.add(n); }
  @Override
  public void auditEventDropped() { auditEventsDropped.increment(); }

  /** Clients connected now. */
  public long clientsConnected() { return connected.sum(); }
  public long connectionsTotal() { return connectionsTotal.sum(); }
  public long messagesReceived() { return messagesReceived.sum(); }
  public long messagesSent() { return messagesSent.sum(); }
  public long payloadBytesReceived() { return payloadBytesReceived.sum(); }
  public long payloadBytesSent() { return payloadBytesSent.sum(); }
  public long bytesReceived() { return bytesReceived.sum(); }
  public long bytesSent() { return bytesSent.sum(); }
  /** Audit events dropped because the audit writer could not keep up (also warned about in the log). */
  public long auditEventsDropped() {
    return auditEventsDropped.sum();
  }
  public long dropped(DropReason reason) { return drops.get(reason).sum(); }

  /** All drops, whatever the reason. */
  public long droppedTotal() {
    long n = 0;
    for (LongAdder a : drops.values()) n += a.sum();
    return n;
  }
}
