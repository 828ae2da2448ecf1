package io.openegiz.flux.broker.status;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One sensor device as the broker last saw it: {@code openegiz/{factory_id}/{equipment_type}/
 * {equipment_id}/{sensor_type}/…} (docs/topics.md). Written on the publishers' event loops, read by the
 * status feed; every field is a volatile or atomic value, no lock.
 */
final class Device {
  /** What the device's last status message (or LWT) said. */
  enum State {
    /** No status message seen yet; the device may still publish telemetry. */
    UNKNOWN, ONLINE, OFFLINE
  }

  /** How often telemetry payloads are read for RSSI and firmware: the rest only count. */
  static final long SAMPLE_MILLIS = 5_000;

  private static final byte[] STATUS = PayloadFields.key("status");
  private static final byte[] DEVICE_ID = PayloadFields.key("device_id");
  private static final byte[] FIRMWARE = PayloadFields.key("firmware_version");
  private static final byte[] RSSI = PayloadFields.key("rssi");
  private static final byte[] ONLINE = "online".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] OFFLINE = "offline".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  final String factory;
  final String equipmentType;
  final String equipmentId;
  final String sensor;
  /** {@code factory/type/equipment/sensor}: the device's key, and its sort order on the page. */
  final String key;

  private final AtomicLong telemetry = new AtomicLong();
  private volatile State state = State.UNKNOWN;
  private volatile long lastSeenMillis;
  private volatile long stateSinceMillis;
  private volatile long sampledAtMillis = Long.MIN_VALUE / 2;
  private volatile String deviceId;
  private volatile String firmware;
  private volatile int rssi = PayloadFields.NO_INT;

  // Rate bookkeeping: written only by the feed's one thread.
  private long countedAt;
  private long countAtLastRate;
  private volatile double rate;

  Device(String factory, String equipmentType, String equipmentId, String sensor) {
    this.factory = factory;
    this.equipmentType = equipmentType;
    this.equipmentId = equipmentId;
    this.sensor = sensor;
    this.key = factory + '/' + equipmentType + '/' + equipmentId + '/' + sensor;
  }

  /** A telemetry message: counted, last seen now; its RSSI and firmware read at most every {@link #SAMPLE_MILLIS}. */
  void telemetry(byte[] payload, long now) {
    telemetry.incrementAndGet();
    lastSeenMillis = now;
    if (now - sampledAtMillis >= SAMPLE_MILLIS) {
      sampledAtMillis = now;
      int r = PayloadFields.integer(payload, RSSI);
      if (r != PayloadFields.NO_INT) {
        rssi = r;
      }
      keepFirmware(payload);
    }
  }

  /**
   * A status message or LWT. An online status counts as a sign of life; an offline one (usually the
   * LWT, published by the broker when the connection died) does not. An empty payload (a retained
   * status being cleared) or one without a readable status changes nothing.
   */
  void status(byte[] payload, long now) {
    State s;
    if (PayloadFields.stringEquals(payload, STATUS, ONLINE)) {
      s = State.ONLINE;
      lastSeenMillis = now;
    } else if (PayloadFields.stringEquals(payload, STATUS, OFFLINE)) {
      s = State.OFFLINE;
    } else {
      return;
    }
    String id = PayloadFields.string(payload, DEVICE_ID);
    if (id != null) {
      deviceId = id;
    }
    keepFirmware(payload);
    if (s != state) {
      stateSinceMillis = now;
      state = s;
    }
  }

  private void keepFirmware(byte[] payload) {
    String f = PayloadFields.string(payload, FIRMWARE);
    if (f != null && !f.equals(firmware)) {
      firmware = f;
    }
  }

  /** Telemetry messages per second since the previous call; called by the feed's thread only. */
  double rate(long now) {
    long count = telemetry.get();
    if (countedAt != 0 && now > countedAt) {
      rate = (count - countAtLastRate) * 1000.0 / (now - countedAt);
    }
    countedAt = now;
    countAtLastRate = count;
    return rate;
  }

  /** The rate computed by the last {@link #rate(long)}. */
  double lastRate() {
    return rate;
  }

  State state() {
    return state;
  }

  long lastSeenMillis() {
    return lastSeenMillis;
  }

  long stateSinceMillis() {
    return stateSinceMillis;
  }

  long telemetryCount() {
    return telemetry.get();
  }

  String deviceId() {
    return deviceId;
  }

  String firmware() {
    return firmware;
  }

  /** dBm, or {@link PayloadFields#NO_INT} when no telemetry carried it yet. */
  int rssi() {
    return rssi;
  }
}
