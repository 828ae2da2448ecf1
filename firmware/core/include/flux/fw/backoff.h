// Reconnect delays: capped exponential backoff with equal jitter, as flux fleet's Backoff.
#pragma once

#include <cstdint>

#include "flux/fw/platform.h"

namespace flux::fw {

/**
 * Delays that double from {@code base_ms} up to {@code cap_ms}, each drawn uniformly from the upper half of its
 * step ("equal jitter"), so a thousand devices that lost the same broker do not return in one wave.
 */
class Backoff {
 public:
  Backoff(uint32_t base_ms, uint32_t cap_ms, Random& random);
  /** The delay before the next attempt: within [step/2, step], step = min(cap, base * 2^n). */
  uint32_t next_delay_ms();
  /** The un-jittered step of attempt {@code n} (from 0). */
  uint32_t ceiling(uint32_t n) const;
  /** After a successful connection: the next failure starts from base again. */
  void reset() { attempt_ = 0; }
  uint32_t attempts() const { return attempt_; }

 private:
  uint32_t base_ms_;
  uint32_t cap_ms_;
  Random& random_;
  uint32_t attempt_ = 0;
};

}  // namespace flux::fw
