// BME280 (temperature, humidity, pressure) and SCD41 (CO2) on I2C, through the esp-idf-lib components
// bmp280 and scd4x (UncleRus/esp-idf-lib, added as ESP-IDF components; see ../../README.md).
#include <bmp280.h>
#include <driver/gpio.h>
#include <scd4x.h>

#include <cmath>

#include "sensors.h"

namespace {

constexpr gpio_num_t kSda = GPIO_NUM_21, kScl = GPIO_NUM_22;

class Bme280Scd41 : public flux::fw::Sensor {
 public:
  Bme280Scd41() {
    i2cdev_init();
    bmp280_params_t params;
    bmp280_init_default_params(&params);
    bmp280_init_desc(&bme_, BMP280_I2C_ADDRESS_0, I2C_NUM_0, kSda, kScl);
    bmp280_init(&bme_, &params);
    scd4x_init_desc(&scd_, I2C_NUM_0, kSda, kScl);
    scd4x_start_periodic_measurement(&scd_);  // a new CO2 value every 5 s
  }
  flux::fw::SensorKind kind() const override { return flux::fw::SensorKind::Environmental; }

  bool read(double, flux::fw::Measurements& out, std::string& error) override {
    float t = NAN, p = NAN, h = NAN;
    if (bmp280_read_float(&bme_, &t, &p, &h) != ESP_OK) {
      error = "BME280: read failed";
      return false;
    }
    bool ready = false;
    if (scd4x_get_data_ready_status(&scd_, &ready) == ESP_OK && ready) {
      float ct, ch;
      uint16_t co2;
      if (scd4x_read_measurement(&scd_, &co2, &ct, &ch) == ESP_OK) co2_ = co2;
      scd4x_set_ambient_pressure(&scd_, static_cast<uint16_t>(p / 100));  // pressure compensation of the CO2
    }
    if (co2_ < 0) {
      error = "SCD41: no CO2 value yet";
      return false;
    }
    // One decimal for T and RH, two for hPa: the resolution flux fleet publishes.
    out = flux::fw::EnvironmentalReading{std::round(t * 10) / 10, std::round(h * 10) / 10,
                                         std::round(p) / 100.0, static_cast<double>(co2_)};
    return true;
  }

 private:
  bmp280_t bme_ = {};
  i2c_dev_t scd_ = {};
  int co2_ = -1;
};

}  // namespace

std::unique_ptr<flux::fw::Sensor> make_environmental_sensor() { return std::make_unique<Bme280Scd41>(); }
