package io.openegiz.flux.telemetry;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A command to the sensor devices of one piece of equipment, told apart by its {@code command} field.
 * Schema: {@code schemas/command.schema.json}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "command")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Command.SetInterval.class, name = "set_interval"),
    @JsonSubTypes.Type(value = Command.Ota.class, name = "ota")
})
public sealed interface Command {

  /** Chosen by the sender so that the device's reaction can be matched to the command. */
  String requestId();

  /**
   * Change the telemetry interval (FR-1.4).
   *
   * @param requestId       the sender's id of this command
   * @param intervalSeconds 1..60 seconds between telemetry messages
   */
  record SetInterval(String requestId, int intervalSeconds) implements Command {
  }

  /**
   * Download, verify and install signed firmware (FR-1.8, SEC-8, docs/ota.md): the device checks the signature
   * over the manifest's bytes before it believes them, then the image's size and SHA-256 against the manifest
   * before it boots it.
   *
   * @param requestId the sender's id of this command
   * @param url       https:// URL of the image
   * @param sha256    SHA-256 of the image, 64 lowercase hex digits (must be the manifest's)
   * @param signature base64 ECDSA P-256 signature of the manifest's bytes by the OTA signing key
   * @param version   semantic version of the image (must be the manifest's)
   * @param manifest  base64 of the signed manifest's bytes
   * @param deviceId  the one device meant, or {@code null} for every device on the command topic
   */
  record Ota(String requestId, String url, String sha256, String signature, String version, String manifest,
      String deviceId) implements Command {
  }
}
