package io.openegiz.flux.fleet.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class FleetLayoutTest {

  @Test
  void defaultMixPutsMeterAndThermostatOnEachOven() {
    List<DeviceSpec> specs = FleetLayout.plan("factory-a", SensorMix.DEFAULT, 5);
    assertThat(specs).extracting(DeviceSpec::deviceId).containsExactly("esp32-oven001-elec",
        "esp32-oven001-therm", "esp32-oven002-elec", "esp32-oven002-therm", "esp32-zonea-env");
    DeviceSpec elec = specs.get(0);
    assertThat(elec.thingId()).isEqualTo("factory:oven-001");
    assertThat(elec.device().telemetryTopic().name())
        .isEqualTo("openegiz/factory-a/oven/oven-001/electrical/telemetry");
    assertThat(specs.get(4).device().statusTopic().name())
        .isEqualTo("openegiz/factory-a/environment/zone-a/ambient/status");
    assertThat(ResponseTopics.of(elec.device())).isEqualTo("openegiz/factory-a/oven/oven-001/electrical/response");
  }

  @Test
  void extraElectricalSensorsGoOnMixers() {
    List<DeviceSpec> specs = FleetLayout.plan("factory-b", SensorMix.parse("electrical=3,thermal=1"), 4);
    assertThat(specs).extracting(DeviceSpec::deviceId).containsExactly("esp32-oven001-elec",
        "esp32-oven001-therm", "esp32-mixer001-elec", "esp32-mixer002-elec");
  }

  @Test
  void countsAlwaysAddUpAndIdsAreUnique() {
    for (int n = 1; n <= 300; n += 7) {
      List<DeviceSpec> specs = FleetLayout.plan("factory-a", SensorMix.parse("electrical=2,thermal=3,environmental=1"),
          n);
      assertThat(specs).hasSize(n);
      assertThat(specs.stream().map(DeviceSpec::deviceId).distinct().count()).isEqualTo(n);
    }
  }

  @Test
  void zonesAreLettered() {
    assertThat(FleetLayout.letters(0)).isEqualTo("a");
    assertThat(FleetLayout.letters(25)).isEqualTo("z");
    assertThat(FleetLayout.letters(26)).isEqualTo("aa");
  }

  @Test
  void aBadMixIsExplained() {
    assertThatThrownBy(() -> SensorMix.parse("electric=2")).hasMessageContaining("accepted: electrical");
    assertThatThrownBy(() -> SensorMix.parse("thermal=0")).hasMessageContaining("positive");
  }
}
