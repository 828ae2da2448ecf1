// A dependency-free JSON writer whose output is byte-for-byte what flux-telemetry's Jackson codec writes
// (compact, fields in the order given, numbers as Java's Double.toString), and a small reader for the
// flat command objects of command.schema.json.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace flux::fw {

/** Appends a double as Java's Double.toString writes it: shortest round-trip digits, "230.0", "1.0E7". */
void append_java_double(std::string& out, double value);

/** Appends a JSON string literal, escaped as Jackson escapes it. */
void append_json_string(std::string& out, const std::string& value);

/** Builds one compact JSON object; nested objects and arrays by begin/end calls. */
class JsonWriter {
 public:
  JsonWriter& begin_object(const char* key = nullptr);
  JsonWriter& end_object();
  JsonWriter& begin_array(const char* key);
  JsonWriter& end_array();
  JsonWriter& field(const char* key, const std::string& value);
  JsonWriter& field(const char* key, const char* value);
  JsonWriter& field(const char* key, double value);
  JsonWriter& field_int(const char* key, int64_t value);
  JsonWriter& field_bool(const char* key, bool value);
  const std::string& str() const { return out_; }

 private:
  void key(const char* key);
  std::string out_;
  bool first_ = true;
};

/** One value of a flat JSON object: what the command reader keeps of it. */
struct JsonValue {
  enum class Type { String, Integer, Number, Bool, Null, Object, Array } type = Type::Null;
  std::string text;  // the string's value, or the number's literal
  int64_t integer = 0;
};

/**
 * Reads a JSON object whose values are scalars (nested objects and arrays are accepted and marked as such,
 * not kept). Returns false and sets {@code error} ("at offset N: what was expected") on malformed input or a
 * repeated key.
 */
bool parse_flat_object(const std::string& json, std::map<std::string, JsonValue>& out, std::string& error);

}  // namespace flux::fw
