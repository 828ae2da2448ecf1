package io.openegiz.flux.fleet.sim;

import static io.openegiz.flux.fleet.sim.ModelFixtures.META;
import static io.openegiz.flux.fleet.sim.ModelFixtures.T0;
import static io.openegiz.flux.fleet.sim.ModelFixtures.device;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.openegiz.flux.telemetry.ElectricalTelemetry;
import io.openegiz.flux.telemetry.EnvironmentalTelemetry;
import io.openegiz.flux.telemetry.Payloads;
import io.openegiz.flux.telemetry.ThermalTelemetry;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PhysicsModelsTest {

  @Test
  void energyOnlyGrowsAndIntegratesPower() {
    ElectricalModel model = new ElectricalModel(new SplittableRandom(7), 70);
    DeviceSpec spec = device(SensorKind.ELECTRICAL);
    double previous = -1;
    double integrated = 0;
    double first = 0;
    for (int i = 0; i < 5_000; i++) {
      var m = ((ElectricalTelemetry) model.sample(spec, T0, META, 1.0)).measurements();
      assertThat(m.energy().total()).isGreaterThanOrEqualTo(previous);
      if (i == 0) {
        first = m.energy().total();
      } else {
        integrated += m.activePower().total() / 3600.0;
      }
      previous = m.energy().total();
    }
    // Rounding of each reading is 1 Wh, so the register and the sum of P·dt agree closely.
    assertThat(previous - first).isCloseTo(integrated, within(0.01));
  }

  @Test
  void activePowerIsTheSumOfVoltageTimesCurrentTimesPowerFactor() {
    ElectricalModel model = new ElectricalModel(new SplittableRandom(3), 70);
    for (int i = 0; i < 2_000; i++) {
      var m = ((ElectricalTelemetry) model.sample(device(SensorKind.ELECTRICAL), T0, META, 1.0)).measurements();
      double expected = (m.voltage().a() * m.current().a() + m.voltage().b() * m.current().b()
          + m.voltage().c() * m.current().c()) * m.powerFactor() / 1000.0;
      assertThat(m.activePower().total()).isCloseTo(expected, within(0.001));
      assertThat(List.of(m.voltage().a(), m.voltage().b(), m.voltage().c()))
          .allSatisfy(v -> assertThat(v).isBetween(218.0, 242.0));
      assertThat(m.frequency()).isBetween(49.8, 50.2);
      assertThat(m.powerFactor()).isBetween(0.5, 0.99);
      // Phase imbalance stays small: no phase more than 3 % from the mean.
      double mean = (m.voltage().a() + m.voltage().b() + m.voltage().c()) / 3;
      assertThat(Math.abs(m.voltage().a() - mean) / mean).isLessThan(0.03);
    }
  }

  @Test
  void heatingSwitchesOnlyAtTheHysteresisEdges() {
    ThermalModel model = new ThermalModel(new SplittableRandom(11), 3);
    double setpoint = model.setpoint();
    int switches = 0;
    boolean before = model.heating();
    for (int i = 0; i < 20_000; i++) {
      model.step(1.0);
      if (model.heating() != before) {
        switches++;
        double mean = model.mean();
        if (model.heating()) {
          assertThat(mean).isLessThanOrEqualTo(setpoint - ThermalModel.HYSTERESIS);
        } else {
          assertThat(mean).isGreaterThanOrEqualTo(setpoint + ThermalModel.HYSTERESIS);
        }
        before = model.heating();
      }
      // Once warm, one step at most overshoots the band by a fraction of a degree.
      assertThat(switches == 0 || inBand(model.mean(), setpoint)).isTrue();
    }
    assertThat(switches).as("the thermostat cycles").isGreaterThan(50);
  }

  private static boolean inBand(double mean, double setpoint) {
    return mean >= setpoint - ThermalModel.HYSTERESIS - 1 && mean <= setpoint + ThermalModel.HYSTERESIS + 1;
  }

  @Test
  void zonesFollowAFirstOrderResponse() {
    ThermalModel model = new ThermalModel(new SplittableRandom(5), 3);
    var readings = new ArrayList<Double>();
    for (int i = 0; i < 600; i++) {
      var t = (ThermalTelemetry) model.sample(device(SensorKind.THERMAL), T0, META, 1.0);
      readings.add(t.measurements().temperatureZones().get(0).value());
    }
    // No jumps: consecutive readings differ by the slope (< 1 °C/s) plus the sensor noise.
    for (int i = 1; i < readings.size(); i++) {
      assertThat(Math.abs(readings.get(i) - readings.get(i - 1))).isLessThan(1.5);
    }
  }

  @Test
  void environmentDriftsSlowlyAndStaysInRange() {
    EnvironmentModel model = new EnvironmentModel(new SplittableRandom(13));
    double previousTemp = Double.NaN;
    for (int i = 0; i < 50_000; i++) {
      var m = ((EnvironmentalTelemetry) model.sample(device(SensorKind.ENVIRONMENTAL), T0, META, 10.0))
          .measurements();
      assertThat(m.ambientTemperature().value()).isBetween(10.0, 40.0);
      assertThat(m.humidity().value()).isBetween(15.0, 85.0);
      assertThat(m.pressure().value()).isBetween(950.0, 1060.0);
      assertThat(m.co2().value()).isBetween(380.0, 5000.0);
      if (!Double.isNaN(previousTemp)) {
        assertThat(Math.abs(m.ambientTemperature().value() - previousTemp)).isLessThan(1.0);
      }
      previousTemp = m.ambientTemperature().value();
    }
  }

  @Test
  void meanRevertingWalkReturnsToItsMean() {
    MeanReverting walk = new MeanReverting(30, 20, 1 / 60.0, 0.1, 0, 40);
    SplittableRandom rng = new SplittableRandom(1);
    double sum = 0;
    int n = 200_000;
    for (int i = 0; i < n; i++) {
      sum += walk.step(1.0, rng);
    }
    assertThat(sum / n).isCloseTo(20, within(0.5));
  }

  @Test
  void sameSeedGivesTheSameReadings() {
    for (SensorKind kind : SensorKind.values()) {
      assertThat(readings(kind, 42)).isEqualTo(readings(kind, 42));
      assertThat(readings(kind, 42)).isNotEqualTo(readings(kind, 43));
    }
  }

  private static List<String> readings(SensorKind kind, long seed) {
    DeviceSpec spec = device(kind);
    SensorModel model = SensorModels.create(spec, new SplittableRandom(seed));
    List<String> out = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      out.add(Payloads.toJson(model.sample(spec, T0.plusSeconds(i), META, 1.0)));
    }
    return out;
  }
}
