package io.openegiz.flux.archiver.pipeline;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The dead-letter file: one JSON object per line with the raw MQTT topic and payload and why it was not archived.
 * {@code dead-letters.jsonl} in the directory is rotated to {@code dead-letters-<time>.jsonl} when it reaches its
 * size limit; the oldest rotated files beyond the limit are deleted. {@link #sync()} makes the records durable
 * before the messages are acknowledged.
 */
public final class DeadLetters implements AutoCloseable {
  static final String FILE = "dead-letters.jsonl";
  private static final DateTimeFormatter ROTATED = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss.SSS'Z'")
      .withZone(ZoneOffset.UTC);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Path dir;
  private final long maxBytes;
  private final int keep;
  private final Clock clock;
  private FileChannel channel;
  private boolean dirty;

  /**
   * @param dir      directory, created if missing
   * @param maxBytes size at which the file is rotated
   * @param keep     rotated files kept
   * @param clock    for record times and rotated names
   */
  public DeadLetters(Path dir, long maxBytes, int keep, Clock clock) throws IOException {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.keep = keep;
    this.clock = clock;
    Files.createDirectories(dir);
    open();
  }

  /**
   * Appends one record.
   *
   * @param topic   MQTT topic
   * @param payload raw payload: as text when it is UTF-8, else in {@code payload_base64}
   * @param reason  why, naming the field or the database's error
   * @param line    the refused line protocol, or {@code null}
   */
  public synchronized void write(String topic, byte[] payload, String reason, String line) throws IOException {
    ObjectNode record = JSON.createObjectNode();
    record.put("time", clock.instant().toString());
    record.put("topic", topic);
    try {
      record.put("payload", StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(payload)).toString());
    } catch (CharacterCodingException e) {
      record.put("payload_base64", Base64.getEncoder().encodeToString(payload));
    }
    record.put("reason", reason);
    if (line != null) {
      record.put("line", line);
    }
    byte[] bytes = (JSON.writeValueAsString(record) + "\n").getBytes(StandardCharsets.UTF_8);
    if (!channel.isOpen()) {
      open(); // a rotation that failed half-way
    }
    if (channel.size() > 0 && channel.size() + bytes.length > maxBytes) {
      rotate();
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
    dirty = true;
  }

  /** Forces what was written to disk; called before the messages are acknowledged. */
  public synchronized void sync() throws IOException {
    if (dirty) {
      channel.force(false);
      dirty = false;
    }
  }

  private void rotate() throws IOException {
    channel.force(false);
    channel.close();
    String stamp = "dead-letters-" + ROTATED.format(clock.instant());
    Path target = dir.resolve(stamp + ".jsonl");
    for (int n = 1; Files.exists(target); n++) {
      target = dir.resolve(stamp + "-" + n + ".jsonl"); // two rotations within a millisecond
    }
    Files.move(dir.resolve(FILE), target);
    List<Path> rotated = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.filter(p -> p.getFileName().toString().matches("dead-letters-.+\\.jsonl")).sorted()
          .forEach(rotated::add);
    }
    for (int i = 0; i < rotated.size() - keep; i++) {
      Files.deleteIfExists(rotated.get(i));
    }
    open();
  }

  private void open() throws IOException {
    channel = FileChannel.open(dir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND);
  }

  @Override
  public synchronized void close() throws IOException {
    sync();
    channel.close();
  }
}
