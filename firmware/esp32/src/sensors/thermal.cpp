// MAX31856 thermocouple converters over SPI, one chip select per oven zone (type K, 19-bit, 0.0078125 C per
// LSB), and the heating element's contactor read on a GPIO. The setpoint is the oven controller's, given at
// provisioning.
#include <driver/gpio.h>
#include <driver/spi_master.h>

#include "sensors.h"

namespace {

constexpr int kZoneCs[] = {5, 17, 16};  // one chip select per zone
constexpr gpio_num_t kElementOn = GPIO_NUM_34;
constexpr double kSetpointC = 190.0;

class Max31856Zones : public flux::fw::Sensor {
 public:
  Max31856Zones() {
    for (int z = 0; z < zones_; ++z) {
      spi_device_interface_config_t dev = {};
      dev.address_bits = 8;
      dev.mode = 1;
      dev.clock_speed_hz = 1000000;
      dev.spics_io_num = kZoneCs[z];
      dev.queue_size = 1;
      spi_bus_add_device(SPI2_HOST, &dev, &spi_[z]);
      write(z, 0x00, 0x80);  // CR0: automatic conversion mode
      write(z, 0x01, 0x03);  // CR1: type K
    }
    gpio_set_direction(kElementOn, GPIO_MODE_INPUT);
  }
  flux::fw::SensorKind kind() const override { return flux::fw::SensorKind::Thermal; }

  bool read(double, flux::fw::Measurements& out, std::string& error) override {
    flux::fw::ThermalReading t{};
    t.zone_count = zones_;
    for (int z = 0; z < zones_; ++z) {
      uint8_t fault = read_reg(z, 0x0F, 1);
      if (fault != 0) {
        error = "MAX31856 zone " + std::to_string(z + 1) + ": fault register 0x" + std::to_string(fault);
        return false;
      }
      int32_t raw = static_cast<int32_t>(read_reg(z, 0x0C, 3) << 8) >> 13;  // LTCBH..L, 19-bit signed
      t.zones[z] = raw * 0.0078125;
    }
    t.setpoint = kSetpointC;
    t.heating_active = gpio_get_level(kElementOn) == 1;
    out = t;
    return true;
  }

 private:
  void write(int z, uint8_t reg, uint8_t value) {
    spi_transaction_t t = {};
    t.addr = 0x80 | reg;
    t.length = 8;
    t.flags = SPI_TRANS_USE_TXDATA;
    t.tx_data[0] = value;
    spi_device_polling_transmit(spi_[z], &t);
  }
  uint32_t read_reg(int z, uint8_t reg, int bytes) {
    spi_transaction_t t = {};
    t.addr = reg;
    t.length = 8 * bytes;
    t.rxlength = 8 * bytes;
    t.flags = SPI_TRANS_USE_RXDATA;
    spi_device_polling_transmit(spi_[z], &t);
    uint32_t v = 0;
    for (int i = 0; i < bytes; ++i) v = v << 8 | t.rx_data[i];
    return v;
  }
  int zones_ = 3;
  spi_device_handle_t spi_[3];
};

}  // namespace

std::unique_ptr<flux::fw::Sensor> make_thermal_sensor() {
  spi_bus_config_t bus = {};
  bus.mosi_io_num = 23;
  bus.miso_io_num = 19;
  bus.sclk_io_num = 18;
  bus.quadwp_io_num = -1;
  bus.quadhd_io_num = -1;
  spi_bus_initialize(SPI2_HOST, &bus, SPI_DMA_DISABLED);
  return std::make_unique<Max31856Zones>();
}
