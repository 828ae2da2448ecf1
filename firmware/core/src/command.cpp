#include "flux/fw/command.h"

#include <cctype>
#include <map>
#include <vector>

#include "flux/fw/json.h"
#include "flux/fw/topics.h"

namespace flux::fw {

namespace {

using Fields = std::map<std::string, JsonValue>;

bool request_id_ok(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != ':' && c != '-') return false;
  }
  return true;
}

bool digits(const std::string& s, size_t& i) {
  size_t start = i;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  return i > start;
}

bool base64_within(const std::string& s, size_t max) {
  if (s.size() < 4 || s.size() > max) return false;
  size_t i = 0;
  while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '+' || s[i] == '/')) ++i;
  if (i == 0) return false;
  size_t pad = s.size() - i;
  return pad <= 2 && s.find_first_not_of('=', i) == std::string::npos;
}

bool base64_ok(const std::string& s) { return base64_within(s, 1024); }

bool manifest_ok(const std::string& s) { return base64_within(s, 1024); }

bool device_id_ok(const std::string& s) { return check_level("device_id", s).empty(); }

bool sha256_ok(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool https_ok(const std::string& s) {
  if (s.size() > 512 || s.rfind("https://", 0) != 0 || s.size() == 8) return false;
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

class Checker {
 public:
  Checker(const Fields& f, std::string& errors) : f_(f), errors_(errors) {}

  void allow_only(const std::vector<std::string>& names) {
    for (const auto& [key, value] : f_) {
      bool known = false;
      for (const auto& n : names) known = known || n == key;
      if (!known) add(key + ": is not a field of this command");
    }
  }

  const std::string* string(const std::string& name, bool (*ok)(const std::string&), const char* accepted) {
    auto it = f_.find(name);
    if (it == f_.end()) {
      add(name + ": is required");
      return nullptr;
    }
    if (it->second.type != JsonValue::Type::String || !ok(it->second.text)) {
      add(name + ": " + shown(it->second) + " is not " + accepted);
      return nullptr;
    }
    return &it->second.text;
  }

  bool integer(const std::string& name, int64_t lo, int64_t hi, int& out) {
    auto it = f_.find(name);
    if (it == f_.end()) {
      add(name + ": is required");
      return false;
    }
    const JsonValue& v = it->second;
    if (v.type != JsonValue::Type::Integer || v.integer < lo || v.integer > hi) {
      add(name + ": " + shown(v) + " is not an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
      return false;
    }
    out = static_cast<int>(v.integer);
    return true;
  }

 private:
  static std::string shown(const JsonValue& v) {
    switch (v.type) {
      case JsonValue::Type::String: return "\"" + v.text + "\"";
      case JsonValue::Type::Object: return "an object";
      case JsonValue::Type::Array: return "an array";
      case JsonValue::Type::Null: return "null";
      default: return v.text;
    }
  }
  void add(const std::string& e) { errors_ += (errors_.empty() ? "" : "; ") + e; }

  const Fields& f_;
  std::string& errors_;
};

const char* const kRequestId = "1 to 64 characters of A-Z, a-z, 0-9, '.', ':', '-' and '_'";

}  // namespace

bool is_semver(const std::string& v) {
  if (v.empty() || v.size() > 32) return false;
  size_t i = 0;
  if (!digits(v, i) || i >= v.size() || v[i++] != '.' || !digits(v, i) || i >= v.size() || v[i++] != '.' ||
      !digits(v, i)) {
    return false;
  }
  if (i == v.size()) return true;
  if (v[i] != '-' && v[i] != '+') return false;
  if (++i == v.size()) return false;
  for (; i < v.size(); ++i) {
    char c = v[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '+' && c != '-') return false;
  }
  return true;
}

bool parse_command(const std::string& json, Command& out, std::string& error) {
  Fields f;
  std::string syntax;
  if (!parse_flat_object(json, f, syntax)) {
    error = "not a JSON object: " + syntax;
    return false;
  }
  error.clear();
  auto command = f.find("command");
  if (command == f.end() || command->second.type != JsonValue::Type::String) {
    error = "command: is required; accepted: \"set_interval\", \"ota\"";
    return false;
  }
  Checker c(f, error);
  if (command->second.text == "set_interval") {
    c.allow_only({"command", "request_id", "interval_seconds"});
    const std::string* id = c.string("request_id", request_id_ok, kRequestId);
    SetIntervalCommand cmd{};
    bool ok = c.integer("interval_seconds", 1, 60, cmd.interval_seconds);
    if (id == nullptr || !ok || !error.empty()) return false;
    cmd.request_id = *id;
    out = cmd;
    return true;
  }
  if (command->second.text == "ota") {
    c.allow_only({"command", "request_id", "url", "sha256", "signature", "version", "manifest", "device_id"});
    const std::string* id = c.string("request_id", request_id_ok, kRequestId);
    const std::string* url = c.string("url", https_ok, "an https:// URL of at most 512 characters without spaces");
    const std::string* sha = c.string("sha256", sha256_ok, "64 lowercase hex digits");
    const std::string* sig = c.string("signature", base64_ok, "base64 of 4 to 1024 characters");
    const std::string* ver = c.string("version", is_semver, "a semantic version such as 1.2.3");
    const std::string* man = c.string("manifest", manifest_ok, "base64 of 4 to 1024 characters (the signed manifest)");
    const std::string* dev = f.count("device_id") != 0
                                 ? c.string("device_id", device_id_ok, "1 to 64 characters of a-z, 0-9, '-' and '_'")
                                 : nullptr;
    if (!error.empty()) return false;
    out = OtaCommand{*id, *url, *sha, *sig, *ver, *man, dev == nullptr ? std::string() : *dev};
    return true;
  }
  error = "command: \"" + command->second.text + "\" is not known; accepted: \"set_interval\", \"ota\"";
  return false;
}

}  // namespace flux::fw
