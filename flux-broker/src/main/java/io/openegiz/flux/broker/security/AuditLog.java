package io.openegiz.flux.broker.security;

import io.openegiz.flux.broker.config.AuditConfig;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log (FR-5.5, SEC-6): one JSON object per line for every authentication success and
 * failure, certificate rejection, ACL denial and rate-limit action. Written by its own thread, so an
 * event loop never waits for the disk; passwords are never part of an event. A file is rotated at a
 * size (current file renamed to {@code .1}, {@code .1} to {@code .2} ..., the oldest removed). When
 * the writer falls behind, events are dropped rather than blocking a caller — but the last quarter of
 * the queue is kept for authentication events (SEC-6), and every drop is counted, reported to the
 * metrics and warned about in the broker log (at most once a minute).
 */
public final class AuditLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
  private static final int QUEUE = 65_536;
  /** Places only authentication events may take: a flood of other events cannot crowd them out. */
  private static final int RESERVED_FOR_AUTH = QUEUE / 4;
  private static final long WARN_EVERY_MILLIS = 60_000;

  /** What happened. */
  public enum Event {
    AUTH_SUCCESS, AUTH_FAILURE, CERTIFICATE_REJECTED, ACL_DENIED, RATE_LIMITED, CONNECTION_THROTTLED,
    /** A CONNECT for a session that belongs to another identity (session_ownership identity). */
    SESSION_REFUSED,
    /** A quota refused a retained message, a subscription or a persistent session (issue 8, item 3). */
    QUOTA_EXCEEDED;

    /** Authentication events (SEC-6): never aggregated, and given the reserved places in the queue. */
    boolean isAuthentication() {
      return this == AUTH_SUCCESS || this == AUTH_FAILURE || this == CERTIFICATE_REJECTED;
    }
  }

  private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE);
  private final AtomicLong lost = new AtomicLong();
  private final AtomicLong authLost = new AtomicLong();
  private final Clock clock;
  private final Path file;
  private final long maxBytes;
  private final int keep;
  private final Runnable onLost;
  private final Thread writer;
  private OutputStream out;
  private long written;
  private long lostReported;
  private long lastWarning = Long.MIN_VALUE;
  private volatile boolean closed;

  AuditLog(OutputStream out, Path file, AuditConfig config, Clock clock, Runnable onLost) throws IOException {
    this.out = out;
    this.file = file;
    this.maxBytes = file == null ? 0 : config.maxBytes();
    this.keep = config.keep();
    this.clock = clock;
    this.onLost = onLost;
    this.written = file == null ? 0 : Files.size(file);
    this.writer = new Thread(this::run, "flux-audit");
    this.writer.setDaemon(true);
    this.writer.start();
  }

  /**
   * Opens the audit log: a file (appended to, rotated by size) or "-" for standard error.
   * {@code onLost} runs once per dropped event (the metrics counter); it must be cheap.
   */
  public static AuditLog open(AuditConfig config, Clock clock, Runnable onLost) throws IOException {
    if (config.target().equals("-")) {
      return new AuditLog(new BufferedOutputStream(System.err), null, config, clock, onLost);
    }
    Path file = Path.of(config.target());
    return new AuditLog(append(file), file, config, clock, onLost);
  }

  private static OutputStream append(Path file) throws IOException {
    return new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND));
  }

  /**
   * Records one event. {@code fields} holds the rest (reason, topic, count...); never a password.
   * If the writer falls far behind, events are counted as lost rather than blocking the caller.
   */
  public void record(Event event, String listener, SocketAddress remote, String clientId, String identity,
      String outcome, Map<String, Object> fields) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("time", Instant.now(clock).toString());
    e.put("event", event.name().toLowerCase(java.util.Locale.ROOT));
    e.put("listener", listener);
    e.put("remote", remote instanceof InetSocketAddress a
        ? a.getAddress().getHostAddress() + ":" + a.getPort()
        : remote == null ? null : remote.toString()); // null: no connection (a restored will, an accept failure)
    e.put("client_id", clientId);
    e.put("identity", identity);
    e.put("outcome", outcome);
    e.putAll(fields);
    boolean auth = event.isAuthentication();
    if ((!auth && queue.remainingCapacity() <= RESERVED_FOR_AUTH) || !queue.offer(json(e))) {
      lost.incrementAndGet();
      if (auth) {
        authLost.incrementAndGet();
      }
      onLost.run();
    }
  }

  /** Events dropped because the writer could not keep up. */
  public long lost() {
    return lost.get();
  }

  private void run() {
    while (!closed || !queue.isEmpty()) {
      try {
        String line = queue.poll(200, TimeUnit.MILLISECONDS);
        if (line != null) {
          write(line);
          String next;
          while ((next = queue.poll()) != null) {
            write(next);
          }
          out.flush();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (IOException e) {
        LOG.error("audit log {} cannot be written: {}", file, e.getMessage());
        reopen();
      }
      warnAboutLost();
    }
    if (file != null) {
      try {
        out.close();
      } catch (IOException e) {
        LOG.error("audit log {} cannot be closed: {}", file, e.getMessage());
      }
    }
  }

  private void write(String line) throws IOException {
    byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
    if (maxBytes > 0 && written > 0 && written + bytes.length > maxBytes) {
      rotate();
    }
    out.write(bytes);
    written += bytes.length;
  }

  /**
   * Renames {@code audit.log.(K-1)} to {@code .K} ... and the current file to {@code .1}, each in one
   * atomic rename, then starts an empty file: a reader sees every line in exactly one file.
   */
  private void rotate() throws IOException {
    out.close();
    Files.deleteIfExists(rotated(keep));
    for (int i = keep - 1; i >= 1; i--) {
      if (Files.exists(rotated(i))) {
        Files.move(rotated(i), rotated(i + 1), StandardCopyOption.ATOMIC_MOVE);
      }
    }
    Files.move(file, rotated(1), StandardCopyOption.ATOMIC_MOVE);
    out = append(file);
    written = 0;
  }

  private Path rotated(int n) {
    return file.resolveSibling(file.getFileName() + "." + n);
  }

  /** After a write error: the lines of that batch are lost; the next batch goes to a fresh file handle. */
  private void reopen() {
    if (file == null) {
      return;
    }
    try {
      out.close();
    } catch (IOException ignored) {
      // the handle is being replaced: a failed close changes nothing
    }
    try {
      out = append(file);
      written = Files.size(file);
    } catch (IOException e) {
      LOG.error("audit log {} cannot be reopened: {}", file, e.getMessage());
    }
  }

  /** Tells the broker log about dropped events, at most once a minute. */
  private void warnAboutLost() {
    long total = lost.get();
    long now = clock.millis();
    if (total > lostReported && (lastWarning == Long.MIN_VALUE || now - lastWarning >= WARN_EVERY_MILLIS)) {
      LOG.warn("audit log: {} events dropped because the writer could not keep up ({} in total, {} of them"
          + " authentication events)", total - lostReported, total, authLost.get());
      lostReported = total;
      lastWarning = now;
    }
  }

  static String json(Map<String, Object> fields) {
    StringBuilder b = new StringBuilder(160).append('{');
    boolean first = true;
    for (Map.Entry<String, Object> f : fields.entrySet()) {
      if (!first) b.append(',');
      first = false;
      quote(b, f.getKey()).append(':');
      Object v = f.getValue();
      if (v == null) b.append("null");
      else if (v instanceof Number || v instanceof Boolean) b.append(v);
      else
        quote(b, v.toString());
    }
    return b.append('}').toString();
  }

  private static StringBuilder quote(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
          else
            b.append(c);
        }
      }
    }
    return b.append('"');
  }

  @Override
  public void close() {
    closed = true;
    try {
      writer.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    warnAboutLost();
  }
}
