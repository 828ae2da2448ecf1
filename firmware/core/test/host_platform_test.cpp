#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

#include "host_platform.h"

using namespace flux;

TEST_CASE("the state directory keeps a setting across instances, written atomically") {
  char templ[] = "/tmp/flux-state-test-XXXXXX";
  std::string dir = mkdtemp(templ);
  {
    host::FileStorage storage(dir);
    CHECK_FALSE(storage.get("interval_ms").has_value());
    CHECK(storage.put("interval_ms", "5000"));
    CHECK(storage.put("interval_ms", "10000"));
  }
  host::FileStorage again(dir);
  CHECK(again.get("interval_ms") == std::optional<std::string>("10000"));
  host::FileStorage missing(dir + "/no-such-dir");
  CHECK_FALSE(missing.put("interval_ms", "1000"));
  CHECK(std::system(("rm -rf " + dir).c_str()) == 0);
}

TEST_CASE("the system clock counts as synchronised on a host set to the present") {
  host::SystemClock clock;
  auto utc = clock.utc_ms();
  REQUIRE(utc.has_value());
  CHECK(*utc > 1704067200000LL);
  int64_t a = clock.monotonic_ms();
  CHECK(clock.monotonic_ms() >= a);
}
