package io.openegiz.flux.broker.config;

/**
 * Topic filters per second one connection may send in SUBSCRIBE and UNSUBSCRIBE packets, as a token
 * bucket; above it the client is disconnected (MQTT 5 reason 0x96).
 *
 * @param perSecond filters per second; 0 = no limit (max_subscribe_rate)
 * @param burst filters at once above the rate, e.g. at connect (max_subscribe_burst)
 */
public record SubscribeRate(int perSecond, int burst) {
  public static final int DEFAULT_PER_SECOND = 100;
  public static final int DEFAULT_BURST = 1000;

  public static SubscribeRate defaults() {
    return new SubscribeRate(DEFAULT_PER_SECOND, DEFAULT_BURST);
  }
}
