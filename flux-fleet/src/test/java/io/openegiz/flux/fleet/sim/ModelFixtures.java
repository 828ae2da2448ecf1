package io.openegiz.flux.fleet.sim;

import io.openegiz.flux.telemetry.Metadata;
import java.time.Instant;
import java.util.List;

/** Devices and metadata shared by the model tests. */
final class ModelFixtures {
  static final Instant T0 = Instant.parse("2026-01-29T10:30:00.000Z");
  static final Metadata META = new Metadata("1.2.3", -60, 10L);

  private ModelFixtures() {
  }

  static DeviceSpec device(SensorKind kind) {
    List<DeviceSpec> all = FleetLayout.plan("factory-a", SensorMix.DEFAULT, 5);
    return all.stream().filter(d -> d.kind() == kind).findFirst().orElseThrow();
  }
}
