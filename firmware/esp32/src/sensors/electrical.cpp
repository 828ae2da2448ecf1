// ATM90E32AS poly-phase meter over SPI: per-phase RMS voltage and current, total power factor and active
// power, frequency. Register addresses and scales from the ATM90E32AS datasheet (Microchip DS60001393);
// the chip is calibrated once per board (gains in its configuration registers), which is not shown here.
#include <driver/spi_master.h>

#include "sensors.h"

namespace {

constexpr uint16_t kUrmsA = 0xD9, kIrmsA = 0xDD, kPmeanT = 0xB0, kPFmeanT = 0xBC, kFreq = 0xF8;

class Atm90e32 : public flux::fw::Sensor {
 public:
  explicit Atm90e32(spi_device_handle_t spi) : spi_(spi) {}
  flux::fw::SensorKind kind() const override { return flux::fw::SensorKind::Electrical; }

  bool read(double, flux::fw::Measurements& out, std::string& error) override {
    flux::fw::ElectricalReading e{};
    for (int p = 0; p < 3; ++p) {
      e.voltage[p] = reg(kUrmsA + p) * 0.01;   // 0.01 V per LSB
      e.current[p] = reg(kIrmsA + p) * 0.001;  // 0.001 A per LSB
    }
    e.power_factor = static_cast<int16_t>(reg(kPFmeanT)) * 0.001;
    e.active_power_kw = static_cast<int16_t>(reg(kPmeanT)) * 4.0 / 1000.0;  // 4 W per LSB for the total
    e.frequency_hz = reg(kFreq) * 0.01;
    e.has_energy = false;  // the energy registers clear on read; a running total needs NVS, not done yet
    if (failed_) {
      error = "ATM90E32: SPI transfer failed";
      return false;
    }
    out = e;
    return true;
  }

 private:
  uint16_t reg(uint16_t address) {
    spi_transaction_t t = {};
    t.cmd = 0x8000 | address;  // bit 15 set: read
    t.length = 16;
    t.flags = SPI_TRANS_USE_RXDATA;
    failed_ = failed_ || spi_device_polling_transmit(spi_, &t) != ESP_OK;
    return static_cast<uint16_t>(t.rx_data[0] << 8 | t.rx_data[1]);
  }
  spi_device_handle_t spi_;
  bool failed_ = false;
};

}  // namespace

std::unique_ptr<flux::fw::Sensor> make_electrical_sensor() {
  spi_bus_config_t bus = {};
  bus.mosi_io_num = 23;
  bus.miso_io_num = 19;
  bus.sclk_io_num = 18;
  bus.quadwp_io_num = -1;
  bus.quadhd_io_num = -1;
  spi_bus_initialize(SPI2_HOST, &bus, SPI_DMA_DISABLED);
  spi_device_interface_config_t dev = {};
  dev.command_bits = 16;
  dev.mode = 3;
  dev.clock_speed_hz = 200000;  // the ATM90E32 is specified up to 200 kHz
  dev.spics_io_num = 5;
  dev.queue_size = 1;
  spi_device_handle_t spi;
  spi_bus_add_device(SPI2_HOST, &dev, &spi);
  return std::make_unique<Atm90e32>(spi);
}
