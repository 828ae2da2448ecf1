package io.openegiz.flux.fleet.sim;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Counters the devices update on their threads and the progress line reads. */
final class FleetStats {
  final AtomicInteger connected = new AtomicInteger();
  /** Telemetry handed to the client, buffered copies included when they go out. */
  final LongAdder sent = new LongAdder();
  /** Telemetry the broker acknowledged (PUBACK). */
  final LongAdder acked = new LongAdder();
  /** Telemetry the broker refused (MQTT 5 error reason code); not retried. */
  final LongAdder refused = new LongAdder();
  /** Telemetry in flight when the connection dropped, put back into the buffer. */
  final LongAdder rebuffered = new LongAdder();
  /** Successful reconnections after the first connection. */
  final LongAdder reconnects = new LongAdder();
  /** Connection attempts that failed before CONNACK. */
  final LongAdder connectFailures = new LongAdder();
  final LongAdder commands = new LongAdder();
  final LongAdder commandsRejected = new LongAdder();
}
