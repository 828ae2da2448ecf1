#include <doctest/doctest.h>

#include "flux/fw/json.h"

using namespace flux::fw;

namespace {
std::string java(double v) {
  std::string s;
  append_java_double(s, v);
  return s;
}
}  // namespace

TEST_CASE("doubles are written as Java's Double.toString, which Jackson uses") {
  CHECK(java(230.0) == "230.0");
  CHECK(java(221.0) == "221.0");
  CHECK(java(0.92) == "0.92");
  CHECK(java(1013.25) == "1013.25");
  CHECK(java(50.01) == "50.01");
  CHECK(java(45.2) == "45.2");
  CHECK(java(31234.567) == "31234.567");
  CHECK(java(0.1 + 0.2) == "0.30000000000000004");
  CHECK(java(-3.5) == "-3.5");
  CHECK(java(0.0) == "0.0");
  CHECK(java(-0.0) == "-0.0");
  CHECK(java(0.001) == "0.001");
  CHECK(java(9999999.0) == "9999999.0");
  // Outside [10^-3, 10^7) Java switches to its computerized scientific notation.
  CHECK(java(1e7) == "1.0E7");
  CHECK(java(12345678.9) == "1.23456789E7");
  CHECK(java(1e12) == "1.0E12");
  CHECK(java(0.0001) == "1.0E-4");
  CHECK(java(-0.00012) == "-1.2E-4");
}

TEST_CASE("strings are escaped as Jackson escapes them") {
  std::string s;
  append_json_string(s, std::string("a\"b\\c\n\t\x01 é"));
  CHECK(s == "\"a\\\"b\\\\c\\n\\t\\u0001 é\"");
}

TEST_CASE("a flat object is read with its value types") {
  std::map<std::string, JsonValue> f;
  std::string error;
  REQUIRE(parse_flat_object(R"( {"a":"x\"y","n":10,"d":1.5,"e":1e2,"b":true,"z":null,"o":{"k":[1,"}"]}} )", f, error));
  CHECK(f["a"].text == "x\"y");
  CHECK(f["n"].type == JsonValue::Type::Integer);
  CHECK(f["n"].integer == 10);
  CHECK(f["d"].type == JsonValue::Type::Number);
  CHECK(f["e"].type == JsonValue::Type::Integer);  // 1e2 is the integer 100 to JSON Schema
  CHECK(f["b"].type == JsonValue::Type::Bool);
  CHECK(f["z"].type == JsonValue::Type::Null);
  CHECK(f["o"].type == JsonValue::Type::Object);
}

TEST_CASE("malformed JSON is refused with the offset") {
  std::map<std::string, JsonValue> f;
  std::string error;
  CHECK_FALSE(parse_flat_object("{\"a\":}", f, error));
  CHECK(error == "at offset 5: expected a value");
  CHECK_FALSE(parse_flat_object("{\"a\":1,\"a\":2}", f, error));
  CHECK(error.find("appears twice") != std::string::npos);
  CHECK_FALSE(parse_flat_object("[1]", f, error));
  CHECK_FALSE(parse_flat_object("{\"a\":1} x", f, error));
  CHECK(error.find("unexpected text") != std::string::npos);
}
