package io.openegiz.flux.archiver.it;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import java.io.IOException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The yardstick: a QoS 1 subscriber of every telemetry topic that records each reading as {@code device_id@ms},
 * and the same keys read back from InfluxDB or QuestDB.
 */
final class Readings implements AutoCloseable {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private final Mqtt5BlockingClient client;

  Readings(int port) {
    this(port, false);
  }

  /**
   * With {@code persistent}, a session that outlives the connection and reconnects by itself: the yardstick for a
   * broker that restarts with its store, which keeps what it queued for the subscriber.
   */
  Readings(int port, boolean persistent) {
    var builder = MqttClient.builder().useMqttVersion5().identifier("it-yardstick").serverHost("127.0.0.1")
        .serverPort(port);
    client = (persistent ? builder.automaticReconnectWithDefaultConfig() : builder).buildBlocking();
    client.toAsync().publishes(MqttGlobalPublishFilter.ALL, p -> seen.add(key(JSON.readTree(p.getPayloadAsBytes()))));
    client.connectWith().cleanStart(!persistent).sessionExpiryInterval(persistent ? 3600 : 0).send();
    client.subscribeWith().topicFilter("openegiz/+/+/+/+/telemetry").qos(MqttQos.AT_LEAST_ONCE).send();
  }

  static String key(JsonNode payload) {
    return payload.path("device_id").asString() + "@" + Instant.parse(payload.path("timestamp").asString())
        .toEpochMilli();
  }

  /** The timestamp of a {@code device_id@ms} key. */
  static long millis(String key) {
    return Long.parseLong(key.substring(key.lastIndexOf('@') + 1));
  }

  /** What the subscriber has seen so far. */
  Set<String> seen() {
    return Set.copyOf(seen);
  }

  /** Every telemetry reading in the database as {@code device_id@ms}; rssi is in each device point. */
  static List<String> stored(InfluxD influx, String db) throws IOException, InterruptedException {
    List<String> keys = new java.util.ArrayList<>();
    JsonNode results = influx.query(db, "SELECT rssi, device_id FROM electrical, thermal, environmental")
        .path("results").path(0).path("series");
    for (JsonNode series : results) {
      for (JsonNode row : series.path("values")) {
        keys.add(row.path(2).asString() + "@" + row.path(0).asLong());
      }
    }
    return keys;
  }

  /** The stored keys as a set, after checking that none is there twice. */
  static Set<String> storedOnce(InfluxD influx, String db) throws IOException, InterruptedException {
    return once(stored(influx, db));
  }

  /**
   * Every telemetry reading in QuestDB as {@code device_id@ms}: the device point of each table (thermal zone points
   * have a zone), after checking that no zone point is there twice either.
   */
  static List<String> stored(QuestDb db) throws IOException, InterruptedException {
    // The rows, not their count(): QuestDB 9.3.4 answers count() over this filtered subquery with 1 when it is empty.
    JsonNode zoneDuplicates = db.rows("SELECT * FROM (SELECT device_id, timestamp, zone, count() n FROM thermal "
        + "WHERE zone IS NOT NULL) WHERE n > 1");
    if (!zoneDuplicates.isEmpty()) {
      throw new AssertionError("zone readings stored twice: " + zoneDuplicates);
    }
    List<String> keys = new java.util.ArrayList<>();
    for (JsonNode row : db.rows("SELECT device_id, timestamp FROM electrical UNION ALL SELECT device_id, timestamp "
        + "FROM thermal WHERE zone IS NULL UNION ALL SELECT device_id, timestamp FROM environmental")) {
      keys.add(row.path(0).asString() + "@" + Instant.parse(row.path(1).asString()).toEpochMilli());
    }
    return keys;
  }

  /** The stored keys as a set, after checking that none is there twice. */
  static Set<String> storedOnce(QuestDb db) throws IOException, InterruptedException {
    return once(stored(db));
  }

  private static Set<String> once(List<String> keys) {
    Set<String> unique = new HashSet<>(keys);
    if (unique.size() != keys.size()) {
      throw new AssertionError((keys.size() - unique.size()) + " readings stored twice");
    }
    return unique;
  }

  @Override
  public void close() {
    client.disconnect();
  }
}
