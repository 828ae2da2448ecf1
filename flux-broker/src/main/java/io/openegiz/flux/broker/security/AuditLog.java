package io.openegiz.flux.broker.security;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * event loop never waits for the disk; passwords are never part of an event.
 */
public final class AuditLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
  private static final int QUEUE = 65_536;

  /** What happened. */
  public enum Event {
    AUTH_SUCCESS, AUTH_FAILURE, CERTIFICATE_REJECTED, ACL_DENIED, RATE_LIMITED, CONNECTION_THROTTLED,
    /** A CONNECT for a session that belongs to another identity (session_ownership identity). */
    SESSION_REFUSED,
    /** A quota refused a retained message, a subscription or a persistent session (issue 8, item 3). */
    QUOTA_EXCEEDED
  }

  private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE);
  private final AtomicLong lost = new AtomicLong();
  private final Clock clock;
  private final Writer out;
  private final Thread writer;
  private volatile boolean closed;

  private AuditLog(Writer out, Clock clock) {
    this.out = out;
    this.clock = clock;
    this.writer = new Thread(this::run, "flux-audit");
    this.writer.setDaemon(true);
    this.writer.start();
  }

  /** Opens the audit log: a file (appended to) or "-" for standard error. */
  public static AuditLog open(String target, Clock clock) throws IOException {
    Writer w = target.equals("-")
        ? new OutputStreamWriter(System.err, StandardCharsets.UTF_8)
        : Files.newBufferedWriter(Path.of(target), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
    return new AuditLog(new BufferedWriter(w), clock);
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
        : String.valueOf(remote));
    e.put("client_id", clientId);
    e.put("identity", identity);
    e.put("outcome", outcome);
    e.putAll(fields);
    if (!queue.offer(json(e))) {
      lost.incrementAndGet();
    }
  }

  /** Events dropped because the writer could not keep up. */
  public long lost() {
    return lost.get();
  }

  private void run() {
    try {
      while (!closed || !queue.isEmpty()) {
        String line = queue.poll(200, TimeUnit.MILLISECONDS);
        if (line == null) {
          continue;
        }
        out.write(line);
        out.write('\n');
        String next;
        while ((next = queue.poll()) != null) {
          out.write(next);
          out.write('\n');
        }
        out.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      LOG.error("audit log cannot be written: {}", e.getMessage());
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
      out.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      LOG.error("audit log cannot be flushed: {}", e.getMessage());
    }
  }
}
