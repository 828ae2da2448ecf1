package io.openegiz.flux.fleet.bench;

/** The MQTT protocol versions the load generator speaks. */
public enum MqttVersion {
  V3_1_1("3.1.1", 4), V5("5", 5);

  private final String label;
  private final int protocolLevel;

  MqttVersion(String label, int protocolLevel) {
    this.label = label;
    this.protocolLevel = protocolLevel;
  }

  /** Accepts "3.1.1", "3", "4", "5" or "5.0". */
  public static MqttVersion parse(String s) {
    return switch (s.trim()) {
      case "3.1.1", "3", "4", "311" -> V3_1_1;
      case "5", "5.0" -> V5;
      default -> throw new IllegalArgumentException("unknown MQTT version \"" + s + "\"; accepted: 3.1.1, 5");
    };
  }

  public String label() {
    return label;
  }

  public int protocolLevel() {
    return protocolLevel;
  }

  /** MQTT 5 packets carry a properties section that 3.1.1 packets lack. */
  public boolean hasProperties() {
    return this == V5;
  }
}
