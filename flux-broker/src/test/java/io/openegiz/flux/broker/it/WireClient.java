package io.openegiz.flux.broker.it;

import static io.openegiz.flux.broker.it.MqttWire.CLOSED;
import static io.openegiz.flux.broker.it.MqttWire.CONNACK;
import static io.openegiz.flux.broker.it.MqttWire.DISCONNECT;
import static io.openegiz.flux.broker.it.MqttWire.PUBACK;
import static io.openegiz.flux.broker.it.MqttWire.PUBCOMP;
import static io.openegiz.flux.broker.it.MqttWire.PUBREC;
import static io.openegiz.flux.broker.it.MqttWire.PUBREL;
import static io.openegiz.flux.broker.it.MqttWire.SUBACK;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A connected MQTT client written byte by byte, for the tests where a client library would hide the wire:
 * packets are encoded by {@link MqttWire} (not with the broker's codec) and every packet the broker sends
 * is read by a background thread and queued, so a test can wait for packets with a timeout, or look at
 * what arrived without blocking.
 */
final class WireClient implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;
  private final boolean v5;
  private final BlockingQueue<MqttPacket> received = new LinkedBlockingQueue<>();
  private final Thread reader;
  private MqttPacket connack;

  private WireClient(Socket socket, boolean v5) throws IOException {
    this.socket = socket;
    this.v5 = v5;
    this.out = socket.getOutputStream();
    InputStream in = socket.getInputStream();
    this.reader = new Thread(() -> readLoop(in), "raw-client-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** Connects with clean start, keep alive 60 s, and the given CONNECT properties (5.0 only). */
  static WireClient connect(TestBroker broker, String clientId, boolean v5, MqttWire.Props connectProps)
      throws IOException {
    return connect(broker, clientId, v5, true, connectProps);
  }

  static WireClient connect(TestBroker broker, String clientId, boolean v5, boolean cleanStart,
      MqttWire.Props connectProps) throws IOException {
    Socket s = new Socket(broker.host(), broker.port());
    s.setTcpNoDelay(true);
    WireClient c = new WireClient(s, v5);
    c.send(v5
        ? MqttWire.connect5(clientId, cleanStart, 60, connectProps == null ? null : connectProps.toArray())
        : MqttWire.connect311(clientId, cleanStart, 60));
    c.connack = c.expect(CONNACK);
    if (c.connack.reasonCode() != 0) {
      throw new IllegalStateException("CONNECT refused: " + c.connack.reasonCode());
    }
    return c;
  }

  MqttPacket connack() {
    return connack;
  }

  private void readLoop(InputStream in) {
    try {
      for (MqttPacket p; (p = MqttWire.readPacket(in, v5)) != null;) {
        received.add(p);
      }
    } catch (IOException e) {
      // closed, by the broker or by close(): either way the CLOSED marker below tells the test
    }
    received.add(new MqttPacket(CLOSED, 0, new byte[0], v5));
  }

  void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** The next packet, or null when none came within the timeout. */
  MqttPacket poll(Duration timeout) {
    try {
      return received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The next packet, which must be of this type, within 5 s. */
  MqttPacket expect(int type) {
    MqttPacket p = poll(Duration.ofSeconds(5));
    if (p == null) {
      throw new AssertionError("no packet of type " + type + " within 5 s");
    }
    if (p.type() != type) {
      throw new AssertionError("expected packet type " + type + " but got " + p.type()
          + (p.type() == DISCONNECT ? " reason 0x" + Integer.toHexString(p.reasonCode()) : ""));
    }
    return p;
  }

  /** Packets received so far and not yet taken. */
  List<MqttPacket> drainReceived() {
    List<MqttPacket> l = new ArrayList<>();
    received.drainTo(l);
    return l;
  }

  boolean isClosed() {
    return received.stream().anyMatch(p -> p.type() == CLOSED);
  }

  // ---- packets --------------------------------------------------------------------------------

  /** Subscribes to one filter and waits for a successful SUBACK. */
  void subscribe(int packetId, String filter, int options, MqttWire.Props props) throws IOException {
    send(MqttWire.subscribe(packetId, filter, options, v5, props));
    MqttPacket ack = expect(SUBACK);
    if (ack.ackId() != packetId || ack.reasonCode() >= 0x80) {
      throw new AssertionError("SUBACK " + ack.ackId() + " code " + ack.reasonCode());
    }
  }

  void publish(String topic, int qos, boolean retain, boolean dup, int packetId, MqttWire.Props props,
      byte[] payload) throws IOException {
    send(MqttWire.publish(topic, qos, retain, dup, packetId, v5, props, payload));
  }

  void puback(int id) throws IOException {
    send(MqttWire.ack(PUBACK, id));
  }

  void pubrec(int id) throws IOException {
    send(MqttWire.ack(PUBREC, id));
  }

  void pubrel(int id) throws IOException {
    send(MqttWire.ack(PUBREL, id));
  }

  void pubcomp(int id) throws IOException {
    send(MqttWire.ack(PUBCOMP, id));
  }

  void disconnect() throws IOException {
    send(MqttWire.disconnect());
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
