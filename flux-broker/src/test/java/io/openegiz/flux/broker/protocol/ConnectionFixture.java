package io.openegiz.flux.broker.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.BrokerConfig;
import io.openegiz.flux.broker.metrics.CountingMetrics;
import io.openegiz.flux.broker.routing.InMemoryRetainedStore;
import io.openegiz.flux.broker.security.Authenticator;
import io.openegiz.flux.broker.security.Authorizer;
import io.openegiz.flux.broker.security.SecurityServices;
import io.openegiz.flux.broker.session.SessionPersistence;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.UnaryOperator;

/**
 * The broker's own connection pipeline (frame decoder, Netty's MQTT decoder and encoder, the connection
 * handler) on Netty {@link EmbeddedChannel}s, over a {@link BrokerContext} built by
 * {@link FluxBroker#context}: no socket, no thread of its own. A {@link Conn} pairs the server channel
 * with a client-side codec, so tests write MQTT packets (or raw bytes) and read MQTT packets back.
 */
final class ConnectionFixture implements AutoCloseable {
  final BrokerContext broker;
  private final ScheduledExecutorService scheduler;
  private final List<Conn> conns = new ArrayList<>();

  private ConnectionFixture(BrokerContext broker, ScheduledExecutorService scheduler) {
    this.broker = broker;
    this.scheduler = scheduler;
  }

  static ConnectionFixture create() {
    return create(b -> b, null, null, SessionPersistence.NONE);
  }

  static ConnectionFixture create(UnaryOperator<BrokerConfig.Builder> settings) {
    return create(settings, null, null, SessionPersistence.NONE);
  }

  /** A context with the given settings; a null authenticator or authorizer means the configured one. */
  static ConnectionFixture create(UnaryOperator<BrokerConfig.Builder> settings, Authenticator authenticator,
      Authorizer authorizer, SessionPersistence persistence) {
    BrokerConfig config = settings.apply(BrokerConfig.builder().listener(0, "127.0.0.1").maxPublishRate(0)).build();
    Clock clock = Clock.systemUTC();
    CountingMetrics metrics = new CountingMetrics();
    SecurityServices security = SecurityServices.create(config.security(), config.allowAnonymous(), authenticator,
        authorizer, clock, () -> {});
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    return new ConnectionFixture(FluxBroker.context(config, security, new InMemoryRetainedStore(), metrics, clock,
        scheduler, persistence), scheduler);
  }

  /** A new connection, not yet sent anything. */
  Conn open() {
    Conn c = new Conn(this);
    conns.add(c);
    return c;
  }

  /** Runs the tasks every connection's event loop has pending (deliveries from other connections). */
  void runAll() {
    for (int i = 0; i < 3; i++) {
      conns.forEach(c -> c.server.runPendingTasks());
    }
  }

  @Override
  public void close() {
    conns.forEach(c -> {
      c.server.finishAndReleaseAll();
      c.client.finishAndReleaseAll();
    });
    scheduler.shutdownNow();
  }

  /** One connection: the broker's pipeline and a client codec. */
  static final class Conn {
    final EmbeddedChannel server;
    final EmbeddedChannel client = new EmbeddedChannel(MqttEncoder.INSTANCE, new MqttDecoder(1 << 20));
    private final ConnectionFixture fixture;

    Conn(ConnectionFixture f) {
      this.fixture = f;
      BrokerContext b = f.broker;
      int maxPacket = b.config().maxPacketSize();
      this.server = new EmbeddedChannel(new ChannelInitializer<Channel>() {
        @Override
        protected void initChannel(Channel ch) {
          ch.pipeline().addLast(HandlerNames.FRAME_DECODER, new MqttFrameDecoder(maxPacket,
              b.config().connectionLimits().maxConnectSize()));
          ch.pipeline().addLast(HandlerNames.MQTT_DECODER, new MqttDecoder(maxPacket, 65535));
          ch.pipeline().addLast(HandlerNames.MQTT_ENCODER, MqttEncoder.INSTANCE);
          ch.pipeline().addLast(HandlerNames.CONNECTION, new MqttConnectionHandler(b, "test", 0, null));
        }
      });
    }

    /** Encodes packets with Netty's encoder, as a client would, and writes them to the broker in one read. */
    Conn send(MqttMessage... packets) {
      ByteBuf all = Unpooled.buffer();
      for (MqttMessage m : packets) {
        client.writeOutbound(m);
        ByteBuf b;
        while ((b = client.readOutbound()) != null) {
          all.writeBytes(b);
          b.release();
        }
      }
      return bytes(all);
    }

    /** Writes raw bytes, as one read. */
    Conn bytes(ByteBuf b) {
      server.writeInbound(b);
      server.runPendingTasks();
      fixture.runAll();
      return this;
    }

    Conn hex(String hex) {
      return bytes(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex.replace(" ", ""))));
    }

    /** Sends CONNECT and returns the CONNACK. */
    MqttMessage connect(MqttMessageBuilders.ConnectBuilder connect) {
      send(connect.build());
      return next();
    }

    MqttMessage connect(String clientId, MqttVersion version) {
      return connect(MqttMessageBuilders.connect().clientId(clientId).protocolVersion(version).cleanSession(true)
          .keepAlive(60));
    }

    /** Every packet the broker wrote since the last call, decoded. */
    List<MqttMessage> received() {
      server.runPendingTasks();
      fixture.runAll();
      ByteBuf b;
      while ((b = server.readOutbound()) != null) {
        client.writeInbound(b);
      }
      List<MqttMessage> out = new ArrayList<>();
      Object m;
      while ((m = client.readInbound()) != null) {
        if (m instanceof MqttPublishMessage p) { // the payload copied onto the heap: nothing to release
          out.add(p.replace(Unpooled.wrappedBuffer(ByteBufUtil.getBytes(p.payload()))));
        } else {
          out.add((MqttMessage) m);
        }
        ReferenceCountUtil.release(m);
      }
      return out;
    }

    /** The one packet the broker wrote since the last call; fails if it wrote none or several. */
    MqttMessage next() {
      List<MqttMessage> r = received();
      if (r.size() != 1) {
        throw new AssertionError("expected one packet from the broker, got " + r);
      }
      return r.get(0);
    }

    boolean isOpen() {
      server.runPendingTasks();
      return server.isOpen();
    }
  }
}
