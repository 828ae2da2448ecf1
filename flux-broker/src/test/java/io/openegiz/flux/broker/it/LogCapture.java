package io.openegiz.flux.broker.it;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Captures the broker's log while a test runs: slf4j-simple (the test logging) writes to standard error
 * and looks {@link System#err} up on every line, so a tee installed here sees every line from every
 * thread, and the lines still reach the console. Close it to put standard error back.
 */
final class LogCapture implements AutoCloseable {
  private final PrintStream original = System.err;
  private final List<String> lines = new ArrayList<>();
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

  private LogCapture() {}

  /** Starts capturing standard error. */
  static LogCapture start() {
    LogCapture c = new LogCapture();
    System.setErr(new PrintStream(new OutputStream() {
      @Override
      public void write(int b) {
        c.original.write(b);
        c.add(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        c.original.write(b, off, len);
        c.add(b, off, len);
      }
    }, true, StandardCharsets.UTF_8));
    return c;
  }

  private synchronized void add(byte[] b, int off, int len) {
    for (int i = off; i < off + len; i++) {
      if (b[i] == '\n') {
        lines.add(partial.toString(StandardCharsets.UTF_8));
        partial.reset();
      } else {
        partial.write(b[i]);
      }
    }
  }

  /** The complete lines captured so far that match. */
  synchronized List<String> lines(Predicate<String> filter) {
    return lines.stream().filter(filter).toList();
  }

  @Override
  public void close() {
    System.setErr(original);
  }
}
