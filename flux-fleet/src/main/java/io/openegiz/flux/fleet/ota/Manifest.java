package io.openegiz.flux.fleet.ota;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * What an OTA manifest states about an image (firmware/README.md, "OTA manifest"): the rules are those the
 * device's core checks ({@code parse_manifest} in firmware/core/src/ota_verify.cpp), so a manifest this class
 * accepts is one the device reads.
 *
 * @param model   1–64 of a-z 0-9 - _; a device refuses another model's image
 * @param version a semantic version; a device refuses one not newer than its own (anti-rollback)
 * @param size    the image's length in bytes, 1 to 2³²−1
 * @param sha256  the image's SHA-256 in 64 lowercase hex digits
 */
public record Manifest(String model, String version, long size, String sha256) {
  /** The version pattern of the schemas and of the core's {@code is_semver}. */
  public static final Pattern SEMVER = Pattern.compile("[0-9]+\\.[0-9]+\\.[0-9]+([-+][0-9A-Za-z.+-]+)?");
  private static final Pattern MODEL = Pattern.compile("[a-z0-9_-]{1,64}");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final long MAX_SIZE = 0xFFFF_FFFFL;
  private static final int MAX_VERSION = 32;
  private static final Set<String> FIELDS = Set.of("model", "version", "size", "sha256");

  public Manifest {
    List<String> errors = problems(model, version, size, sha256);
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", errors));
    }
  }

  /** Every problem of these values, each naming the field, what is wrong and what is accepted. */
  public static List<String> problems(String model, String version, long size, String sha256) {
    List<String> errors = new ArrayList<>();
    if (model == null || !MODEL.matcher(model).matches()) {
      errors.add("model: \"" + model + "\" is not 1 to 64 characters of a-z, 0-9, '-' and '_' (e.g. esp32-electrical)");
    }
    if (version == null || version.length() > MAX_VERSION || !SEMVER.matcher(version).matches()) {
      errors.add("version: \"" + version + "\" is not a semantic version of at most 32 characters such as 1.3.0");
    }
    if (size < 1 || size > MAX_SIZE) {
      errors.add("size: " + size + " is not a byte count from 1 to 4294967295");
    }
    if (sha256 == null || !SHA256.matcher(sha256).matches()) {
      errors.add("sha256: is not 64 lowercase hex digits");
    }
    return errors;
  }

  /** The manifest of an image file: its size and SHA-256, with the given model and version. */
  public static Manifest ofImage(Path image, String model, String version) throws OtaException {
    List<String> errors = new ArrayList<>();
    for (String e : problems(model, version, 1, "0".repeat(64))) {
      errors.add("--" + e);
    }
    MessageDigest sha = sha256Digest();
    long size = 0;
    try (InputStream in = new DigestInputStream(Files.newInputStream(image), sha)) {
      size = in.transferTo(OutputStream.nullOutputStream());
      if (size < 1 || size > MAX_SIZE) {
        errors.add("--image: " + image + " has " + size + " bytes; accepted: 1 to 4294967295");
      }
    } catch (NoSuchFileException e) {
      errors.add("--image: " + image + ": no such file");
    } catch (IOException e) {
      errors.add("--image: " + image + ": cannot read: " + e.getMessage());
    }
    if (!errors.isEmpty()) {
      throw new OtaException(String.join("; ", errors));
    }
    return new Manifest(model, version, size, HexFormat.of().formatHex(sha.digest()));
  }

  /** The manifest's bytes as signed and sent: compact JSON, fields in the order of this record. */
  public byte[] bytes() {
    return ("{\"model\":\"" + model + "\",\"version\":\"" + version + "\",\"size\":" + size + ",\"sha256\":\""
        + sha256 + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  /** Reads manifest bytes as the device does: exactly the four fields, in any order and spacing. */
  public static Manifest parse(byte[] json, String source) throws OtaException {
    JsonNode node;
    try {
      node = new ObjectMapper().readTree(json);
    } catch (JacksonException e) {
      throw new OtaException(source + ": not JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new OtaException(source + ": not a JSON object; accepted: a manifest written by flux ota sign");
    }
    Set<String> unknown = new TreeSet<>(node.propertyNames());
    unknown.removeAll(FIELDS);
    List<String> errors = new ArrayList<>();
    unknown.forEach(f -> errors.add(f + ": is not a manifest field (model, version, size, sha256)"));
    JsonNode size = node.get("size");
    errors.addAll(problems(text(node, "model"), text(node, "version"),
        size != null && size.isIntegralNumber() && size.canConvertToLong() ? size.asLong() : -1, text(node, "sha256")));
    if (!errors.isEmpty()) {
      throw new OtaException(source + ": " + String.join("; ", errors));
    }
    return new Manifest(text(node, "model"), text(node, "version"), size.asLong(), text(node, "sha256"));
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && v.isString() ? v.asString() : null;
  }

  static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
