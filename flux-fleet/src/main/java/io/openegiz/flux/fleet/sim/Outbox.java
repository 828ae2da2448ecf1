package io.openegiz.flux.fleet.sim;

import java.util.ArrayDeque;

/**
 * What one device has to send and how much of it the MQTT client holds: readings wait in the offline buffer (its
 * capacity and drop-oldest policy), the latest status and command responses beside them, and at most {@code window}
 * publishes are handed to the client until their acknowledgements come back. Never calls the client itself, so its
 * lock is never held across a publish.
 */
final class Outbox {
  /** Command responses waiting beyond this many are refused: a device answers commands, it does not queue them. */
  static final int MAX_RESPONSES = 16;

  private final String telemetryTopic;
  private final String statusTopic;
  private final OfflineBuffer<byte[]> readings;
  private final ArrayDeque<Outgoing> responses = new ArrayDeque<>();
  // Guarded by this.
  private Outgoing status;
  private boolean statusInFlight;
  private boolean open;
  private int window;
  private int inFlight;

  Outbox(String telemetryTopic, String statusTopic, int capacity) {
    this.telemetryTopic = telemetryTopic;
    this.statusTopic = statusTopic;
    this.readings = new OfflineBuffer<>(capacity);
  }

  /** A connection is up: hand out at most {@code window} publishes at a time, {@code onlineStatus} first. */
  synchronized void open(int windowSize, byte[] onlineStatus) {
    if (windowSize < 1) {
      throw new IllegalArgumentException("window must be at least 1, not " + windowSize);
    }
    window = windowSize;
    status = new Outgoing(Kind.STATUS, statusTopic, onlineStatus, null);
    open = true;
  }

  /** The connection is gone (or the device stops): hand out nothing until the next {@link #open}. */
  synchronized void close() {
    open = false;
    status = null;
  }

  /** Keeps a new reading, dropping the oldest when the buffer is full. */
  void addReading(byte[] json) {
    readings.add(json);
  }

  /** A reading whose send failed goes back in front, so the readings stay in the order they were taken. */
  void putBack(byte[] json) {
    readings.putBack(json);
  }

  /** A status is a state: only the latest one waits, and only while connected. */
  synchronized void status(byte[] json) {
    if (open) {
      status = new Outgoing(Kind.STATUS, statusTopic, json, null);
    }
  }

  /** Queues a command response; false when {@link #MAX_RESPONSES} already wait. */
  synchronized boolean respond(String topic, byte[] json, byte[] correlationData) {
    if (responses.size() >= MAX_RESPONSES) {
      return false;
    }
    responses.add(new Outgoing(Kind.RESPONSE, topic, json, correlationData));
    return true;
  }

  /**
   * The next publish to hand to the client, counted in flight until {@link #done}; {@code null} when the connection
   * is down, the window is full or nothing waits. Status first, then responses, then the oldest reading.
   */
  synchronized Outgoing next() {
    if (!open || inFlight >= window) {
      return null;
    }
    Outgoing out = statusInFlight ? null : status;
    if (out != null) {
      status = null;
      statusInFlight = true;
    } else if (!responses.isEmpty()) {
      out = responses.poll();
    } else {
      byte[] reading = readings.poll();
      if (reading == null) {
        return null;
      }
      out = new Outgoing(Kind.TELEMETRY, telemetryTopic, reading, null);
    }
    inFlight++;
    return out;
  }

  /** A publish handed out by {@link #next} completed, acknowledged or not. */
  synchronized void done(Outgoing out) {
    inFlight--;
    if (out.kind() == Kind.STATUS) {
      statusInFlight = false;
    }
  }

  synchronized int inFlight() {
    return inFlight;
  }

  int buffered() {
    return readings.size();
  }

  long dropped() {
    return readings.dropped();
  }

  /** What a publish carries. */
  enum Kind { TELEMETRY, STATUS, RESPONSE }

  /**
   * One publish to hand to the client.
   *
   * @param kind            telemetry (QoS 1), status (QoS 2, retained) or a command response (QoS 1)
   * @param topic           where it goes
   * @param payload         the JSON
   * @param correlationData a response's MQTT 5 correlation data, or {@code null}
   */
  record Outgoing(Kind kind, String topic, byte[] payload, byte[] correlationData) {
  }
}
