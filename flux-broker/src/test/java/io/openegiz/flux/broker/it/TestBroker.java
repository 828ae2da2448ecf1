package io.openegiz.flux.broker.it;

import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.BrokerConfig;
import java.util.function.UnaryOperator;

/** Starts a real broker on a random loopback port for one test; close it with try-with-resources. */
public final class TestBroker implements AutoCloseable {
  private final FluxBroker broker;

  private TestBroker(FluxBroker broker) {
    this.broker = broker;
  }

  /** A broker with the default settings on 127.0.0.1 and a free port. */
  public static TestBroker start() {
    return start(b -> b);
  }

  /**
   * A broker with settings changed from the defaults, on 127.0.0.1 and a free port. The per-client
   * publish rate (100/s by default, SEC-5) is off here so that tests sending thousands of messages
   * run at full speed; SecurityIT tests the rate limit itself.
   */
  public static TestBroker start(UnaryOperator<BrokerConfig.Builder> settings) {
    BrokerConfig config = settings.apply(BrokerConfig.builder().listener(0, "127.0.0.1").maxPublishRate(0)).build();
    return new TestBroker(FluxBroker.builder(config).build().start());
  }

  public static TestBroker start(FluxBroker.Builder builder) {
    return new TestBroker(builder.build().start());
  }

  public int port() {
    return broker.port();
  }

  public String host() {
    return "127.0.0.1";
  }

  /** tcp://127.0.0.1:port, as Paho wants it. */
  public String uri() {
    return "tcp://127.0.0.1:" + port();
  }

  public FluxBroker broker() {
    return broker;
  }

  @Override
  public void close() {
    broker.close();
  }
}
