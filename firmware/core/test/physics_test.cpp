#include <doctest/doctest.h>

#include <cmath>

#include "flux/fw/payloads.h"
#include "physics.h"

using namespace flux;

TEST_CASE("electrical: active power is the sum of V*I*PF of the published values and energy integrates it") {
  fw::SplitMix64 rng(3);
  auto sensor = host::make_simulated_sensor(fw::SensorKind::Electrical, "oven", rng);
  double previous = -1;
  double integral = 0;
  double first = 0;
  for (int i = 0; i < 3600; ++i) {
    fw::Measurements m;
    std::string error;
    REQUIRE(sensor->read(1.0, m, error));
    REQUIRE(fw::check_measurements(m).empty());
    const auto& e = std::get<fw::ElectricalReading>(m);
    CHECK(std::fabs(e.active_power_kw - host::active_power_kw(e.voltage, e.current, e.power_factor)) < 0.0006);
    CHECK(e.energy_kwh >= previous);
    if (i == 0) first = e.energy_kwh;
    else integral += e.active_power_kw / 3600.0;
    previous = e.energy_kwh;
    CHECK(e.frequency_hz >= 49.8);
    CHECK(e.frequency_hz <= 50.2);
  }
  CHECK(std::fabs((previous - first) - integral) < 0.05);
}

TEST_CASE("thermal: the element switches only at the hysteresis edges") {
  fw::SplitMix64 rng(5);
  host::ThermalModel oven(rng, 3);
  bool heating = oven.heating();
  int switches = 0;
  for (int i = 0; i < 7200; ++i) {
    oven.step(1.0);
    if (oven.heating() != heating) {
      ++switches;
      double edge = oven.heating() ? oven.setpoint() - host::ThermalModel::kHysteresis
                                   : oven.setpoint() + host::ThermalModel::kHysteresis;
      CHECK(std::fabs(oven.mean() - edge) < 1.0);
      heating = oven.heating();
    }
  }
  CHECK(switches >= 2);
}

TEST_CASE("every simulated reading is inside its schema's ranges") {
  for (auto kind : {fw::SensorKind::Electrical, fw::SensorKind::Thermal, fw::SensorKind::Environmental}) {
    fw::SplitMix64 rng(11);
    auto sensor = host::make_simulated_sensor(kind, "mixer", rng);
    for (int i = 0; i < 5000; ++i) {
      fw::Measurements m;
      std::string error;
      REQUIRE(sensor->read(i % 2 == 0 ? 0.1 : 60.0, m, error));
      REQUIRE(fw::check_measurements(m) == "");
      CHECK(fw::kind_of(m) == kind);
    }
  }
}

TEST_CASE("mean reversion pulls a walk back to its mean") {
  fw::SplitMix64 rng(9);
  host::MeanReverting walk(40, 20, 1 / 60.0, 0.01, 0, 100);
  for (int i = 0; i < 600; ++i) walk.step(1.0, rng);
  CHECK(std::fabs(walk.value() - 20) < 1.0);
}
