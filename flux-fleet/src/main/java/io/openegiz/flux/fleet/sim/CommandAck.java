package io.openegiz.flux.fleet.sim;

import java.time.Instant;

/**
 * A device's answer to a command, published at QoS 1 on its response topic
 * ({@code …/{sensor_type}/response}, or the MQTT 5 Response Topic of the command when it has one).
 * Schema: {@code schemas/command-ack.schema.json} in flux-fleet.
 *
 * @param deviceId  the answering device
 * @param requestId the command's request_id
 * @param command   {@code set_interval} or {@code ota}
 * @param result    {@code applied} or {@code not_supported}
 * @param detail    one human-readable sentence
 * @param timestamp when the device answered
 */
public record CommandAck(String deviceId, String requestId, String command, String result, String detail,
    Instant timestamp) {
  /** The command took effect. */
  public static final String APPLIED = "applied";
  /** The device understood the command but cannot carry it out. */
  public static final String NOT_SUPPORTED = "not_supported";
}
