// Simulated sensors for the Linux port: the physics of flux fleet (io.openegiz.flux.fleet.sim,
// docs/fleet.md "The physics"), ported model by model.
#pragma once

#include <memory>
#include <string>

#include "flux/fw/device.h"

namespace flux::host {

/** An Ornstein-Uhlenbeck walk pulled back towards its mean, clamped to a physical range (MeanReverting.java). */
class MeanReverting {
 public:
  MeanReverting(double start, double mean, double reversion_per_s, double sigma_per_sqrt_s, double min, double max);
  double step(double dt_s, fw::Random& rng);
  double value() const { return value_; }

 private:
  double clamp(double v) const;
  double mean_, reversion_, sigma_, min_, max_, value_;
};

/** Rounds to {@code places} decimals as Java's Math.round(v * 10^p) / 10^p does. */
double round_to(double v, int places);

/** Active power of a star-connected load: the sum over phases of V*I*PF, in kW. */
double active_power_kw(const double (&volts)[3], const double (&amps)[3], double power_factor);

/**
 * The simulated sensor of one device: electrical (rated current by equipment: ovens 60-80 A, others
 * 20-35 A), thermal (3 zones) or environmental.
 */
std::unique_ptr<fw::Sensor> make_simulated_sensor(fw::SensorKind kind, const std::string& equipment_type,
                                                  fw::Random& rng);

/** The thermal model, exposed for its tests: zones, thermostat with hysteresis. */
class ThermalModel : public fw::Sensor {
 public:
  static constexpr double kHysteresis = 2.0;
  ThermalModel(fw::Random& rng, int zones);
  fw::SensorKind kind() const override { return fw::SensorKind::Thermal; }
  bool read(double dt_s, fw::Measurements& out, std::string& error) override;
  void step(double dt_s);
  double mean() const;
  bool heating() const { return heating_; }
  double setpoint() const { return setpoint_; }

 private:
  fw::Random& rng_;
  int zones_;
  double setpoint_;
  double temps_[fw::kMaxZones];
  double tau_[fw::kMaxZones];
  double rise_[fw::kMaxZones];
  bool heating_ = true;
};

}  // namespace flux::host
