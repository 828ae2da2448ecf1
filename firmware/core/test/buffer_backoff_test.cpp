#include <doctest/doctest.h>

#include "fakes.h"
#include "flux/fw/backoff.h"
#include "flux/fw/offline_buffer.h"

using namespace flux::fw;

TEST_CASE("the offline buffer drops the oldest when full and counts it (FR-1.7)") {
  OfflineBuffer<int> b(3);
  for (int i = 1; i <= 5; ++i) b.push_back(i);
  CHECK(b.size() == 3);
  CHECK(b.dropped() == 2);
  CHECK(b.front() == 3);
  CHECK(b.at(2) == 5);
  b.pop_front();
  b.push_front(2);  // put back an older one: room for it
  CHECK(b.front() == 2);
  CHECK(b.dropped() == 2);
  b.push_front(1);  // full: the one put back is the oldest, so it is the one dropped
  CHECK(b.front() == 2);
  CHECK(b.dropped() == 3);
  while (!b.empty()) b.pop_front();
  CHECK(b.size() == 0);
}

TEST_CASE("the firmware buffer holds 1000 readings") {
  OfflineBuffer<int> b;
  CHECK(b.capacity() == 1000);
  for (int i = 0; i < 1000; ++i) b.push_back(i);
  CHECK(b.dropped() == 0);
  b.push_back(1000);
  CHECK(b.dropped() == 1);
  CHECK(b.front() == 1);
}

TEST_CASE("backoff doubles up to the cap, jittered within the upper half of each step") {
  SplitMix64 rng(7);
  Backoff b(1000, 30000, rng);
  CHECK(b.ceiling(0) == 1000);
  CHECK(b.ceiling(4) == 16000);
  CHECK(b.ceiling(5) == 30000);
  CHECK(b.ceiling(100) == 30000);
  for (uint32_t n = 0; n < 12; ++n) {
    uint32_t d = b.next_delay_ms();
    CHECK(d >= b.ceiling(n) / 2);
    CHECK(d <= b.ceiling(n));
  }
  b.reset();
  CHECK(b.next_delay_ms() <= 1000);
}

TEST_CASE("backoff jitter spreads devices apart") {
  SplitMix64 a(1), c(2);
  Backoff x(1000, 30000, a), y(1000, 30000, c);
  int differ = 0;
  for (int i = 0; i < 5; ++i) differ += x.next_delay_ms() != y.next_delay_ms() ? 1 : 0;
  CHECK(differ >= 4);
}
