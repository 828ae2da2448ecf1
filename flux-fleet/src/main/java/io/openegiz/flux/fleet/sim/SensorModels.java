package io.openegiz.flux.fleet.sim;

import java.util.random.RandomGenerator;

/** Picks and sizes the physics model of a device from its kind and equipment. */
final class SensorModels {
  /** Zones of an oven, as in the PRD's thermal example. */
  static final int OVEN_ZONES = 3;

  private SensorModels() {
  }

  static SensorModel create(DeviceSpec spec, RandomGenerator rng) {
    return switch (spec.kind()) {
      case ELECTRICAL -> new ElectricalModel(rng, ratedAmps(spec, rng));
      case THERMAL -> new ThermalModel(rng, OVEN_ZONES);
      case ENVIRONMENTAL -> new EnvironmentModel(rng);
    };
  }

  private static double ratedAmps(DeviceSpec spec, RandomGenerator rng) {
    // An industrial oven draws ~45 kW at full load (the PRD's example); a mixer motor far less.
    boolean oven = "oven".equals(spec.device().equipmentType());
    return oven ? 60 + rng.nextDouble() * 20 : 20 + rng.nextDouble() * 15;
  }
}
