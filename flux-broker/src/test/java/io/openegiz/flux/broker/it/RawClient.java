package io.openegiz.flux.broker.it;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A byte-level MQTT client on a plain {@link Socket}, for tests that need to send what a well-behaved
 * client library never would (or to withhold acknowledgements). It reads synchronously, on the test's
 * thread, so a test can also watch for the broker closing the connection; the packets it sends come from
 * {@link MqttWire}'s builders, or are spelled out by hand as in {@link MalformedInputIT}.
 */
final class RawClient implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RawClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /** Opens a TCP connection to the broker; nothing is sent. Reads do not time out. */
  static RawClient open(int port) throws IOException {
    return new RawClient(new Socket("127.0.0.1", port));
  }

  /** Opens a TCP connection to the broker; nothing is sent. Reads time out after 5 s. */
  static RawClient open(TestBroker broker) throws IOException {
    Socket s = new Socket(broker.host(), broker.port());
    s.setSoTimeout(5_000);
    s.setTcpNoDelay(true);
    return new RawClient(s);
  }

  // ---- sending --------------------------------------------------------------------------------

  void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Sends bytes given as ints (so tests can write 0xC0 without casts). */
  void send(int... bytes) throws IOException {
    byte[] b = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      b[i] = (byte) bytes[i];
    }
    send(b);
  }

  // ---- receiving ------------------------------------------------------------------------------

  /**
   * Reads one whole packet, failing after the socket's read timeout or if the broker closed the
   * connection. The protocol version is left unknown: this client does not parse what the test sends.
   */
  MqttPacket read() throws IOException {
    MqttPacket p = MqttWire.readPacket(in, null);
    if (p == null) {
      throw new EOFException("connection closed by the broker");
    }
    return p;
  }

  /** Reads packets until one of {@code type} arrives (others are skipped). */
  MqttPacket read(int type) throws IOException {
    while (true) {
      MqttPacket p = read();
      if (p.type() == type) {
        return p;
      }
    }
  }

  /**
   * Waits until the broker closes the connection, and returns every packet it sent before that.
   * Fails if the connection is still open after {@code within}.
   */
  List<MqttPacket> awaitClose(Duration within) throws IOException {
    List<MqttPacket> seen = new ArrayList<>();
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        throw new AssertionError("connection still open after " + within + "; packets seen: " + seen);
      }
      socket.setSoTimeout((int) left);
      try {
        seen.add(read());
      } catch (EOFException | SocketException e) {
        return seen; // EOF, or a reset because the broker closed with unread input
      } catch (SocketTimeoutException e) {
        throw new AssertionError("connection still open after " + within + "; packets seen: " + seen);
      } finally {
        if (!socket.isClosed()) {
          socket.setSoTimeout(5_000);
        }
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
