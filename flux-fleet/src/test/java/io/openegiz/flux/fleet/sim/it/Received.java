package io.openegiz.flux.fleet.sim.it;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** One message a test subscriber got. */
record Received(String topic, byte[] payload, boolean retain, byte[] correlationData) {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  JsonNode json() {
    return JSON.readTree(payload);
  }

  String text() {
    return new String(payload, StandardCharsets.UTF_8);
  }

  String deviceId() {
    return json().path("device_id").asString();
  }

  Instant timestamp() {
    return Instant.parse(json().path("timestamp").asString());
  }

  boolean isTelemetry() {
    return topic.endsWith("/telemetry");
  }

  boolean isStatus(String state) {
    return topic.endsWith("/status") && state.equals(json().path("status").asString());
  }
}
