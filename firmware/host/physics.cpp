#include "physics.h"

#include <algorithm>
#include <cmath>

namespace flux::host {

namespace {
constexpr double kNominalVolts = 230.0;  // IEC 60038 phase-to-neutral
constexpr double kAmbient = 25.0;
const double kSetpoints[] = {180, 190, 200, 220};
const double kStageTargets[] = {0.12, 0.95, 0.65};
constexpr double kLagSeconds = 5.0;
}  // namespace

MeanReverting::MeanReverting(double start, double mean, double reversion_per_s, double sigma_per_sqrt_s, double min,
                             double max)
    : mean_(mean), reversion_(reversion_per_s), sigma_(sigma_per_sqrt_s), min_(min), max_(max), value_(0) {
  value_ = clamp(start);
}

double MeanReverting::clamp(double v) const { return std::max(min_, std::min(max_, v)); }

double MeanReverting::step(double dt_s, fw::Random& rng) {
  // Exact OU decay keeps the walk stable for any step, from 100 ms to a 60 s interval.
  double decay = std::exp(-reversion_ * dt_s);
  double spread = sigma_ * std::sqrt((1 - decay * decay) / (2 * reversion_));
  value_ = clamp(mean_ + (value_ - mean_) * decay + spread * rng.gaussian());
  return value_;
}

double round_to(double v, int places) {
  double scale = std::pow(10.0, places);
  return std::floor(v * scale + 0.5) / scale;
}

double active_power_kw(const double (&volts)[3], const double (&amps)[3], double power_factor) {
  double watts = 0;
  for (int p = 0; p < 3; ++p) watts += volts[p] * amps[p] * power_factor;
  return watts / 1000.0;
}

namespace {

/** Idle -> warm-up -> working stages of 1-10 minutes; the load follows each with a 5 s lag. */
class LoadProfile {
 public:
  explicit LoadProfile(fw::Random& rng) {
    stage_ = static_cast<int>(rng.below(3));
    left_s_ = length(rng);
    load_ = kStageTargets[stage_];
  }
  double step(double dt_s, fw::Random& rng) {
    left_s_ -= dt_s;
    if (left_s_ <= 0) {
      stage_ = (stage_ + 1) % 3;
      left_s_ = length(rng);
    }
    double target = kStageTargets[stage_];
    load_ = target + (load_ - target) * std::exp(-dt_s / kLagSeconds);
    return std::max(0.0, std::min(1.0, load_ + 0.01 * rng.gaussian()));
  }

 private:
  static double length(fw::Random& rng) { return 60 + rng.uniform() * 540; }
  int stage_;
  double left_s_;
  double load_;
};

class ElectricalModel : public fw::Sensor {
 public:
  ElectricalModel(fw::Random& rng, double rated_amps)
      : rng_(rng),
        rated_(rated_amps),
        supply_(0, 0, 1 / 120.0, 0.15, -0.05 * kNominalVolts, 0.05 * kNominalVolts),
        frequency_(50, 50, 1 / 30.0, 0.005, 49.8, 50.2),
        load_(rng) {
    for (int p = 0; p < 3; ++p) {
      v_imbalance_[p] = 0.006 * rng.gaussian();
      i_imbalance_[p] = 0.02 * rng.gaussian();
    }
    energy_kwh_ = 1000 + rng.uniform() * 49000;
  }
  fw::SensorKind kind() const override { return fw::SensorKind::Electrical; }
  bool read(double dt_s, fw::Measurements& out, std::string&) override {
    double common = supply_.step(dt_s, rng_);
    double load = load_.step(dt_s, rng_);
    fw::ElectricalReading e{};
    for (int p = 0; p < 3; ++p) {
      e.voltage[p] = round_to(kNominalVolts * (1 + v_imbalance_[p]) + common + 0.2 * rng_.gaussian(), 1);
      double i = rated_ * load * (1 + i_imbalance_[p]) + 0.05 * rng_.gaussian();
      e.current[p] = round_to(std::max(0.0, i), 2);
    }
    // Motors and heater contactors run at a poorer power factor when lightly loaded.
    e.power_factor = round_to(std::max(0.5, std::min(0.99, 0.78 + 0.16 * load + 0.005 * rng_.gaussian())), 2);
    double kw = active_power_kw(e.voltage, e.current, e.power_factor);
    energy_kwh_ += kw * dt_s / 3600.0;
    e.active_power_kw = round_to(kw, 3);
    e.has_energy = true;
    e.energy_kwh = round_to(energy_kwh_, 3);
    e.frequency_hz = round_to(frequency_.step(dt_s, rng_), 2);
    out = e;
    return true;
  }

 private:
  fw::Random& rng_;
  double rated_;
  double v_imbalance_[3];
  double i_imbalance_[3];
  MeanReverting supply_;
  MeanReverting frequency_;
  LoadProfile load_;
  double energy_kwh_;
};

class EnvironmentModel : public fw::Sensor {
 public:
  explicit EnvironmentModel(fw::Random& rng)
      : rng_(rng),
        temperature_(start(rng, 22, 4), 1 / 600.0, 0.03, 10, 40),
        humidity_(start(rng, 40, 15), 1 / 900.0, 0.08, 15, 85),
        pressure_(start(rng, 1005, 15), 1 / 3600.0, 0.02, 950, 1060),
        co2_(start(rng, 450, 300), 1 / 900.0, 3.0, 380, 5000) {}
  fw::SensorKind kind() const override { return fw::SensorKind::Environmental; }
  bool read(double dt_s, fw::Measurements& out, std::string&) override {
    out = fw::EnvironmentalReading{round_to(temperature_.step(dt_s, rng_), 1), round_to(humidity_.step(dt_s, rng_), 1),
                                   round_to(pressure_.step(dt_s, rng_), 2), std::nearbyint(co2_.step(dt_s, rng_))};
    return true;
  }

 private:
  // A walk that starts at, and returns to, a mean spread a little from zone to zone.
  struct Walk : MeanReverting {
    Walk(double mean, double reversion, double sigma, double min, double max)
        : MeanReverting(mean, mean, reversion, sigma, min, max) {}
  };
  static double start(fw::Random& rng, double lo, double span) { return lo + rng.uniform() * span; }
  fw::Random& rng_;
  Walk temperature_, humidity_, pressure_, co2_;
};

}  // namespace

ThermalModel::ThermalModel(fw::Random& rng, int zones) : rng_(rng), zones_(std::max(1, std::min(zones, fw::kMaxZones))) {
  setpoint_ = kSetpoints[rng.below(4)];
  for (int z = 0; z < zones_; ++z) {
    tau_[z] = 400 + rng.uniform() * 300;
    // Full power would settle 40-80 % above the setpoint: the element is sized to recover quickly.
    rise_[z] = (setpoint_ - kAmbient) * (1.4 + rng.uniform() * 0.4);
    // A device boots into an oven that is already warm, so cycling shows within a short run.
    temps_[z] = setpoint_ - 15 + rng.uniform() * 10;
  }
}

void ThermalModel::step(double dt_s) {
  for (int z = 0; z < zones_; ++z) {
    double target = kAmbient + (heating_ ? rise_[z] : 0);
    // Exact solution of dT/dt = (target - T)/tau over the step: stable for any interval.
    temps_[z] = target + (temps_[z] - target) * std::exp(-dt_s / tau_[z]);
  }
  double m = mean();
  if (heating_ && m >= setpoint_ + kHysteresis) {
    heating_ = false;
  } else if (!heating_ && m <= setpoint_ - kHysteresis) {
    heating_ = true;
  }
}

double ThermalModel::mean() const {
  double sum = 0;
  for (int z = 0; z < zones_; ++z) sum += temps_[z];
  return sum / zones_;
}

bool ThermalModel::read(double dt_s, fw::Measurements& out, std::string&) {
  step(dt_s);
  fw::ThermalReading t{};
  t.zone_count = zones_;
  for (int z = 0; z < zones_; ++z) t.zones[z] = round_to(temps_[z] + 0.1 * rng_.gaussian(), 1);
  t.setpoint = setpoint_;
  t.heating_active = heating_;
  out = t;
  return true;
}

std::unique_ptr<fw::Sensor> make_simulated_sensor(fw::SensorKind kind, const std::string& equipment_type,
                                                  fw::Random& rng) {
  switch (kind) {
    case fw::SensorKind::Electrical: {
      // An industrial oven draws ~45 kW at full load (the PRD's example); a mixer motor far less.
      double rated = equipment_type == "oven" ? 60 + rng.uniform() * 20 : 20 + rng.uniform() * 15;
      return std::make_unique<ElectricalModel>(rng, rated);
    }
    case fw::SensorKind::Thermal: return std::make_unique<ThermalModel>(rng, 3);
    case fw::SensorKind::Environmental: return std::make_unique<EnvironmentModel>(rng);
  }
  return nullptr;
}

}  // namespace flux::host
