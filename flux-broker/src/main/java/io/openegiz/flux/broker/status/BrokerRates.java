package io.openegiz.flux.broker.status;

import io.openegiz.flux.broker.metrics.CountingMetrics;

/** The broker's health and throughput from its counters, rates taken between two ticks of the feed. */
final class BrokerRates {
  private final CountingMetrics metrics;
  private final long startedAt;
  private long at;
  private long in;
  private long out;
  private long bytesIn;
  private long bytesOut;
  private volatile double inRate;
  private volatile double outRate;
  private volatile double bytesInRate;
  private volatile double bytesOutRate;

  BrokerRates(CountingMetrics metrics, long startedAt) {
    this.metrics = metrics;
    this.startedAt = startedAt;
    this.at = startedAt;
  }

  /** Takes the rates since the previous tick; called by the feed's thread only. */
  void tick(long now) {
    long i = metrics.messagesReceived();
    long o = metrics.messagesSent();
    long bi = metrics.bytesReceived();
    long bo = metrics.bytesSent();
    if (now > at) {
      double seconds = (now - at) / 1000.0;
      inRate = (i - in) / seconds;
      outRate = (o - out) / seconds;
      bytesInRate = (bi - bytesIn) / seconds;
      bytesOutRate = (bo - bytesOut) / seconds;
    }
    at = now;
    in = i;
    out = o;
    bytesIn = bi;
    bytesOut = bo;
  }

  void write(JsonText json, long now) {
    Runtime rt = Runtime.getRuntime();
    json.open("broker")
        .field("uptime_seconds", (now - startedAt) / 1000)
        .field("clients_connected", metrics.clientsConnected())
        .field("connections_total", metrics.connectionsTotal())
        .field("messages_received", metrics.messagesReceived())
        .field("messages_sent", metrics.messagesSent())
        .field("messages_received_per_second", inRate)
        .field("messages_sent_per_second", outRate)
        .field("bytes_received_per_second", bytesInRate)
        .field("bytes_sent_per_second", bytesOutRate)
        .field("messages_dropped", metrics.droppedTotal())
        .field("heap_used_bytes", rt.totalMemory() - rt.freeMemory())
        .field("heap_max_bytes", rt.maxMemory())
        .close();
  }
}
