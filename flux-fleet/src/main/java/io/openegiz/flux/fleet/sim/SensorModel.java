package io.openegiz.flux.fleet.sim;

import io.openegiz.flux.telemetry.Metadata;
import io.openegiz.flux.telemetry.Telemetry;
import java.time.Instant;

/** The physics behind one simulated sensor: each call advances the model and returns the next reading. */
public interface SensorModel {

  /**
   * Advances the model by {@code dtSeconds} of simulated time and takes a reading. The step is the nominal
   * interval, not wall-clock time, so that a seed reproduces the same sequence.
   */
  Telemetry sample(DeviceSpec device, Instant at, Metadata metadata, double dtSeconds);
}
