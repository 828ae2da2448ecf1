package io.openegiz.flux.fleet.bench;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Where each publisher publishes, how big its payloads are, what fills them after the binary header,
 * and which filter each subscriber takes.
 */
public interface TopicPlan {

  String publisherTopic(String run, int publisher);

  int payloadBytes(int publisher);

  /** Bytes repeated after the payload header; their content does not matter to the broker. */
  byte[] filler(int publisher);

  String subscriberFilter(String run, int subscriber);

  /** The fan-in layout: publisher i on PREFIX/RUN/pi, every subscriber on PREFIX/RUN/#. */
  static TopicPlan fanIn(String prefix, int payloadBytes) {
    return new TopicPlan() {
      @Override
      public String publisherTopic(String run, int publisher) {
        return prefix + "/" + run + "/p" + publisher;
      }

      @Override
      public int payloadBytes(int publisher) {
        return payloadBytes;
      }

      @Override
      public byte[] filler(int publisher) {
        return new byte[] {'x'};
      }

      @Override
      public String subscriberFilter(String run, int subscriber) {
        return prefix + "/" + run + "/#";
      }
    };
  }

  /**
   * The spec's factory: publisher i is one sensor, {@code openegiz/factory-a/{type}/{type}-{n}/{sensor}/telemetry}
   * (four sensors per equipment, five equipment types), 300-500 B JSON-like payloads; subscriber 0
   * takes {@code openegiz/#} and the others {@code openegiz/+/+/+/+/telemetry}.
   */
  static TopicPlan fleet() {
    return new FleetTopics();
  }

  /** The spec's factory layout; see {@link TopicPlan#fleet()}. */
  final class FleetTopics implements TopicPlan {
    static final List<String> EQUIPMENT = List.of("oven", "press", "conveyor", "compressor", "chiller");
    static final List<String> SENSORS = List.of("temperature", "vibration", "electrical", "pressure");
    static final List<String> FILTERS = List.of("openegiz/#", "openegiz/+/+/+/+/telemetry");

    @Override
    public String publisherTopic(String run, int publisher) {
      int equipment = publisher / SENSORS.size();
      String type = EQUIPMENT.get(equipment % EQUIPMENT.size());
      return "openegiz/factory-a/" + type + "/" + type + "-" + equipment + "/"
          + SENSORS.get(publisher % SENSORS.size()) + "/telemetry";
    }

    @Override
    public int payloadBytes(int publisher) {
      return 300 + (publisher * 37) % 201; // spread evenly over 300-500 B
    }

    @Override
    public byte[] filler(int publisher) {
      String sensor = SENSORS.get(publisher % SENSORS.size());
      return ("{\"sensor\":\"" + sensor
          + "\",\"value\":23.41,\"unit\":\"C\",\"quality\":\"good\",\"ts\":1764460800123} ")
          .getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public String subscriberFilter(String run, int subscriber) {
      return FILTERS.get(Math.min(subscriber, FILTERS.size() - 1));
    }
  }
}
