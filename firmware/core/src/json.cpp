#include "flux/fw/json.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace flux::fw {

namespace {

// The shortest decimal digits that read back as exactly `value` (|value| > 0), and its decimal exponent:
// value = 0.d1d2d3... * 10^(exp+1), i.e. d1.d2d3... * 10^exp.
void shortest_digits(double value, std::string& digits, int& exponent) {
  char buf[40];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*e", precision - 1, value);
    if (std::strtod(buf, nullptr) == value) {
      break;
    }
  }
  // buf is "d.ddddde[+-]xx" (no sign: value > 0 here).
  digits.clear();
  const char* p = buf;
  for (; *p != 'e'; ++p) {
    if (*p != '.') {
      digits.push_back(*p);
    }
  }
  exponent = std::atoi(p + 1);
  while (digits.size() > 1 && digits.back() == '0') {
    digits.pop_back();
  }
}

}  // namespace

void append_java_double(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";  // never written by the core: readings are checked before they are published
    return;
  }
  if (std::isinf(value)) {
    out += value > 0 ? "Infinity" : "-Infinity";
    return;
  }
  if (value == 0) {
    out += std::signbit(value) ? "-0.0" : "0.0";
    return;
  }
  if (value < 0) {
    out.push_back('-');
    value = -value;
  }
  std::string digits;
  int exp = 0;
  shortest_digits(value, digits, exp);
  if (value >= 1e-3 && value < 1e7) {
    // Plain notation: at least one digit on each side of the point.
    if (exp >= 0) {
      size_t int_len = static_cast<size_t>(exp) + 1;
      if (digits.size() <= int_len) {
        out += digits;
        out.append(int_len - digits.size(), '0');
        out += ".0";
      } else {
        out.append(digits, 0, int_len);
        out.push_back('.');
        out.append(digits, int_len, std::string::npos);
      }
    } else {
      out += "0.";
      out.append(static_cast<size_t>(-exp - 1), '0');
      out += digits;
    }
    return;
  }
  // Computerized scientific notation, as Java: d.dddE[-]n with at least one fraction digit.
  out.push_back(digits[0]);
  out.push_back('.');
  out += digits.size() > 1 ? digits.substr(1) : "0";
  out.push_back('E');
  out += std::to_string(exp);
}

void append_json_string(std::string& out, const std::string& value) {
  static const char* hex = "0123456789ABCDEF";
  out.push_back('"');
  for (unsigned char c : value) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(hex[c >> 4]);
          out.push_back(hex[c & 0xF]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

void JsonWriter::key(const char* k) {
  if (!first_) {
    out_.push_back(',');
  }
  first_ = false;
  if (k != nullptr) {
    append_json_string(out_, k);
    out_.push_back(':');
  }
}

JsonWriter& JsonWriter::begin_object(const char* k) {
  if (!out_.empty()) {
    key(k);
  }
  out_.push_back('{');
  first_ = true;
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  out_.push_back('}');
  first_ = false;
  return *this;
}

JsonWriter& JsonWriter::begin_array(const char* k) {
  key(k);
  out_.push_back('[');
  first_ = true;
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  out_.push_back(']');
  first_ = false;
  return *this;
}

JsonWriter& JsonWriter::field(const char* k, const std::string& value) {
  key(k);
  append_json_string(out_, value);
  return *this;
}

JsonWriter& JsonWriter::field(const char* k, const char* value) { return field(k, std::string(value)); }

JsonWriter& JsonWriter::field(const char* k, double value) {
  key(k);
  append_java_double(out_, value);
  return *this;
}

JsonWriter& JsonWriter::field_int(const char* k, int64_t value) {
  key(k);
  out_ += std::to_string(value);
  return *this;
}

JsonWriter& JsonWriter::field_bool(const char* k, bool value) {
  key(k);
  out_ += value ? "true" : "false";
  return *this;
}

namespace {

class Reader {
 public:
  Reader(const std::string& s, std::string& error) : s_(s), error_(error) {}

  bool object(std::map<std::string, JsonValue>& out) {
    skip();
    if (!expect('{')) return false;
    skip();
    if (peek() == '}') {
      ++pos_;
      return end();
    }
    for (;;) {
      skip();
      std::string key;
      if (!string(key)) return false;
      skip();
      if (!expect(':')) return false;
      skip();
      JsonValue v;
      if (!value(v)) return false;
      if (!out.emplace(key, v).second) return fail("key \"" + key + "\" appears twice");
      skip();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (!expect('}')) return false;
      return end();
    }
  }

 private:
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void skip() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }
  bool fail(const std::string& what) {
    error_ = "at offset " + std::to_string(pos_) + ": " + what;
    return false;
  }
  bool expect(char c) {
    if (peek() != c) return fail(std::string("expected '") + c + "'");
    ++pos_;
    return true;
  }
  bool end() {
    skip();
    return pos_ == s_.size() ? true : fail("unexpected text after the object");
  }
  bool string(std::string& out) {
    if (!expect('"')) return false;
    while (pos_ < s_.size()) {
      char c = s_[pos_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return fail("control character in a string");
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      char e = peek();
      ++pos_;
      switch (e) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
          if (pos_ + 4 > s_.size()) return fail("short \\u escape");
          unsigned cp = static_cast<unsigned>(std::strtoul(s_.substr(pos_, 4).c_str(), nullptr, 16));
          pos_ += 4;
          // Kept as UTF-8; surrogate pairs are not needed by any command field (all ASCII by schema).
          if (cp < 0x80) {
            out.push_back(static_cast<char>(cp));
          } else if (cp < 0x800) {
            out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
          } else {
            out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
          }
          break;
        }
        default: return fail("bad escape");
      }
    }
    return fail("unterminated string");
  }
  bool literal(const char* word) {
    size_t n = std::strlen(word);
    if (s_.compare(pos_, n, word) != 0) return fail("unexpected character");
    pos_ += n;
    return true;
  }
  bool value(JsonValue& v) {
    char c = peek();
    if (c == '"') {
      v.type = JsonValue::Type::String;
      return string(v.text);
    }
    if (c == 't' || c == 'f') {
      v.type = JsonValue::Type::Bool;
      v.text = c == 't' ? "true" : "false";
      return literal(v.text.c_str());
    }
    if (c == 'n') {
      v.type = JsonValue::Type::Null;
      return literal("null");
    }
    if (c == '{' || c == '[') {
      v.type = c == '{' ? JsonValue::Type::Object : JsonValue::Type::Array;
      return skip_nested();
    }
    return number(v);
  }
  bool number(JsonValue& v) {
    size_t start = pos_;
    if (peek() == '-') ++pos_;
    if (!std::isdigit(static_cast<unsigned char>(peek()))) return fail("expected a value");
    bool integral = true;
    while (std::isdigit(static_cast<unsigned char>(peek()))) ++pos_;
    if (peek() == '.') {
      integral = false;
      ++pos_;
      if (!std::isdigit(static_cast<unsigned char>(peek()))) return fail("expected a digit");
      while (std::isdigit(static_cast<unsigned char>(peek()))) ++pos_;
    }
    if (peek() == 'e' || peek() == 'E') {
      integral = false;
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      if (!std::isdigit(static_cast<unsigned char>(peek()))) return fail("expected a digit");
      while (std::isdigit(static_cast<unsigned char>(peek()))) ++pos_;
    }
    v.text = s_.substr(start, pos_ - start);
    double d = std::strtod(v.text.c_str(), nullptr);
    // JSON Schema's "integer" accepts 10.0 too: a number with no fraction.
    if (integral || (std::floor(d) == d && std::fabs(d) < 9e15)) {
      v.type = JsonValue::Type::Integer;
      v.integer = integral ? std::strtoll(v.text.c_str(), nullptr, 10) : static_cast<int64_t>(d);
      if (integral && v.text.size() > 18) v.type = JsonValue::Type::Number;
    } else {
      v.type = JsonValue::Type::Number;
    }
    return true;
  }
  bool skip_nested() {
    int depth = 0;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '"') {
        std::string ignored;
        if (!string(ignored)) return false;
        continue;
      }
      ++pos_;
      if (c == '{' || c == '[') ++depth;
      if (c == '}' || c == ']') {
        if (--depth == 0) return true;
      }
    }
    return fail("unterminated object or array");
  }

  const std::string& s_;
  std::string& error_;
  size_t pos_ = 0;
};

}  // namespace

bool parse_flat_object(const std::string& json, std::map<std::string, JsonValue>& out, std::string& error) {
  out.clear();
  Reader r(json, error);
  return r.object(out);
}

}  // namespace flux::fw
