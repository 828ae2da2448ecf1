// The board's sensor chips behind the core's Sensor interface; one of them is built per environment.
#pragma once

#include <memory>

#include "flux/fw/device.h"

/** ATM90E32AS three-phase meter on SPI (electrical.cpp). */
std::unique_ptr<flux::fw::Sensor> make_electrical_sensor();
/** MAX31856 thermocouple converters, one chip select per zone, and the element's state on a GPIO (thermal.cpp). */
std::unique_ptr<flux::fw::Sensor> make_thermal_sensor();
/** BME280 (temperature, humidity, pressure) and SCD41 (CO2) on I2C (environmental.cpp). */
std::unique_ptr<flux::fw::Sensor> make_environmental_sensor();
