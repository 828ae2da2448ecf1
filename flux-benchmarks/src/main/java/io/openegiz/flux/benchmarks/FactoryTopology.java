package io.openegiz.flux.benchmarks;

import io.openegiz.flux.broker.message.Subscription;
import io.openegiz.flux.broker.routing.SubscriptionTree;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds subscription trees shaped like an OpenEgiz factory: devices publish to
 * {@code openegiz/{factory}/{equipment_type}/{equipment_id}/{sensor_type}/telemetry}.
 */
final class FactoryTopology {

  static final String[] FACTORIES = {"f1", "f2", "f3", "f4", "f5"};
  static final String[] EQUIPMENT_TYPES = {"oven", "press", "mixer", "conveyor", "chiller"};
  static final String[] SENSORS = {"temperature", "vibration", "electrical", "pressure"};
  static final String[] WILDCARDS = {
      "openegiz/+/+/+/+/telemetry", "openegiz/#", "openegiz/+/+/+/electrical/telemetry"};

  private FactoryTopology() {}

  /** The telemetry topics of {@code devices} devices (one device = one sensor on one equipment). */
  static List<String> deviceTopics(int devices) {
    List<String> topics = new ArrayList<>(devices);
    for (int i = 0; topics.size() < devices; i++) {
      String equipment = equipmentPath(i);
      for (String sensor : SENSORS) {
        topics.add(equipment + "/" + sensor + "/telemetry");
      }
    }
    return topics.subList(0, devices);
  }

  /** {@code openegiz/{factory}/{type}/{type}-{n}} for the i-th equipment. */
  static String equipmentPath(int i) {
    String type = EQUIPMENT_TYPES[i % EQUIPMENT_TYPES.length];
    String factory = FACTORIES[(i / EQUIPMENT_TYPES.length) % FACTORIES.length];
    return "openegiz/" + factory + "/" + type + "/" + type + "-" + i;
  }

  /**
   * A tree of exactly {@code total} subscriptions: {@code exactPerDevice} exact ones per device,
   * ten clients on each broad wildcard, and per-equipment {@code .../#} ones filling the rest.
   */
  static SubscriptionTree build(int devices, int exactPerDevice, int total) {
    SubscriptionTree tree = new SubscriptionTree();
    List<String> topics = deviceTopics(devices);
    for (int c = 0; c < exactPerDevice; c++) {
      for (String topic : topics) {
        tree.subscribe(Subscription.of("app-" + c, topic, 1));
      }
    }
    for (String filter : WILDCARDS) {
      for (int c = 0; c < 10; c++) {
        tree.subscribe(Subscription.of("wild-" + c, filter, 0));
      }
    }
    int equipment = (devices + SENSORS.length - 1) / SENSORS.length;
    for (int i = 0; tree.subscriptionCount() < total; i++) {
      String filter = equipmentPath(i % equipment) + "/#";
      tree.subscribe(Subscription.of("eq-" + (i / equipment), filter, 1));
    }
    return tree;
  }
}
