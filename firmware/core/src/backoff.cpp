#include "flux/fw/backoff.h"

namespace flux::fw {

Backoff::Backoff(uint32_t base_ms, uint32_t cap_ms, Random& random)
    : base_ms_(base_ms == 0 ? 1 : base_ms), cap_ms_(cap_ms < base_ms ? base_ms : cap_ms), random_(random) {}

uint32_t Backoff::ceiling(uint32_t n) const {
  uint32_t shift = n > 30 ? 30 : n;
  uint64_t step = static_cast<uint64_t>(base_ms_) << shift;
  return step > cap_ms_ ? cap_ms_ : static_cast<uint32_t>(step);
}

uint32_t Backoff::next_delay_ms() {
  uint32_t step = ceiling(attempt_);
  ++attempt_;
  uint32_t half = step / 2;
  return half + static_cast<uint32_t>(random_.below(static_cast<uint64_t>(step - half) + 1));
}

}  // namespace flux::fw
