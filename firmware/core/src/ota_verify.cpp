#include <mbedtls/base64.h>
#include <mbedtls/md.h>
#include <mbedtls/pk.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <vector>

#include "flux/fw/json.h"
#include "flux/fw/ota.h"
#include "flux/fw/topics.h"

namespace flux::fw {

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t at = s.find(sep, start);
    parts.push_back(s.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) return parts;
    start = at + 1;
  }
}

bool numeric(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

int compare_numbers(const std::string& a, const std::string& b) {
  // Without leading zeros, a longer number is larger; equal lengths compare as text.
  std::string x = a.substr(std::min(a.find_first_not_of('0'), a.size() - 1));
  std::string y = b.substr(std::min(b.find_first_not_of('0'), b.size() - 1));
  if (x.size() != y.size()) return x.size() < y.size() ? -1 : 1;
  return x.compare(y) < 0 ? -1 : (x == y ? 0 : 1);
}

std::string hex(const unsigned char* bytes, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out.push_back(digits[bytes[i] >> 4]);
    out.push_back(digits[bytes[i] & 0xF]);
  }
  return out;
}

bool sha256_hex(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

int compare_semver(const std::string& a, const std::string& b) {
  auto strip = [](const std::string& v) { return v.substr(0, v.find('+')); };
  std::string x = strip(a), y = strip(b);
  size_t dx = x.find('-'), dy = y.find('-');
  std::vector<std::string> cx = split(x.substr(0, dx), '.'), cy = split(y.substr(0, dy), '.');
  for (size_t i = 0; i < 3 && i < cx.size() && i < cy.size(); ++i) {
    int c = compare_numbers(cx[i], cy[i]);
    if (c != 0) return c;
  }
  // A pre-release is lower than its release: 1.3.0-rc.1 < 1.3.0.
  if (dx == std::string::npos || dy == std::string::npos) {
    return dx == dy ? 0 : (dx == std::string::npos ? 1 : -1);
  }
  std::vector<std::string> px = split(x.substr(dx + 1), '.'), py = split(y.substr(dy + 1), '.');
  for (size_t i = 0; i < px.size() && i < py.size(); ++i) {
    bool nx = numeric(px[i]), ny = numeric(py[i]);
    int c = nx && ny ? compare_numbers(px[i], py[i]) : (nx != ny ? (nx ? -1 : 1) : px[i].compare(py[i]));
    if (c != 0) return c < 0 ? -1 : 1;
  }
  return px.size() == py.size() ? 0 : (px.size() < py.size() ? -1 : 1);
}

const char* ota_verdict_name(OtaVerdict verdict) {
  switch (verdict) {
    case OtaVerdict::Accepted: return "Accepted";
    case OtaVerdict::Malformed: return "Malformed";
    case OtaVerdict::BadSignature: return "BadSignature";
    case OtaVerdict::WrongModel: return "WrongModel";
    case OtaVerdict::NotNewer: return "NotNewer";
    case OtaVerdict::SizeMismatch: return "SizeMismatch";
    case OtaVerdict::HashMismatch: return "HashMismatch";
  }
  return "?";
}

const char* ota_verdict_text(OtaVerdict verdict) {
  switch (verdict) {
    case OtaVerdict::Accepted: return "accepted";
    case OtaVerdict::Malformed: return "the manifest is malformed";
    case OtaVerdict::BadSignature: return "the signature does not verify with the built-in key";
    case OtaVerdict::WrongModel: return "the image is for another model";
    case OtaVerdict::NotNewer: return "the version is not newer than the running one";
    case OtaVerdict::SizeMismatch: return "the image size differs from the manifest";
    case OtaVerdict::HashMismatch: return "the image SHA-256 differs from the manifest";
  }
  return "?";
}

bool parse_manifest(const std::string& json, OtaManifest& out, std::string& error) {
  std::map<std::string, JsonValue> f;
  if (!parse_flat_object(json, f, error)) {
    error = "manifest: not a JSON object: " + error;
    return false;
  }
  error.clear();
  auto add = [&error](const std::string& e) { error += (error.empty() ? "" : "; ") + e; };
  for (const auto& [key, value] : f) {
    if (key != "model" && key != "version" && key != "size" && key != "sha256") add(key + ": is not a manifest field");
  }
  auto text = [&](const char* key) -> const JsonValue* {
    auto it = f.find(key);
    if (it == f.end()) {
      add(std::string(key) + ": is required");
      return nullptr;
    }
    return &it->second;
  };
  const JsonValue* model = text("model");
  const JsonValue* version = text("version");
  const JsonValue* size = text("size");
  const JsonValue* sha = text("sha256");
  if (model != nullptr && (model->type != JsonValue::Type::String || !check_level("model", model->text).empty())) {
    add("model: is not 1 to 64 characters of a-z, 0-9, '-' and '_'");
  }
  if (version != nullptr && (version->type != JsonValue::Type::String || !is_semver(version->text))) {
    add("version: is not a semantic version such as 1.2.3");
  }
  if (size != nullptr && (size->type != JsonValue::Type::Integer || size->integer < 1 || size->integer > 0xFFFFFFFFLL)) {
    add("size: is not a byte count from 1 to 4294967295");
  }
  if (sha != nullptr && (sha->type != JsonValue::Type::String || !sha256_hex(sha->text))) {
    add("sha256: is not 64 lowercase hex digits");
  }
  if (!error.empty()) {
    error = "manifest: " + error;
    return false;
  }
  out = OtaManifest{model->text, version->text, static_cast<uint64_t>(size->integer), sha->text};
  return true;
}

bool decode_base64(const std::string& text, std::string& out) {
  size_t needed = 0;
  const auto* src = reinterpret_cast<const unsigned char*>(text.data());
  int rc = mbedtls_base64_decode(nullptr, 0, &needed, src, text.size());
  if (rc != 0 && rc != MBEDTLS_ERR_BASE64_BUFFER_TOO_SMALL) return false;
  std::vector<unsigned char> buf(needed == 0 ? 1 : needed);
  size_t written = 0;
  if (mbedtls_base64_decode(buf.data(), buf.size(), &written, src, text.size()) != 0) return false;
  out.assign(reinterpret_cast<const char*>(buf.data()), written);
  return true;
}

MbedtlsManifestVerifier::MbedtlsManifestVerifier(const std::string& public_key_pem) {
  auto* pk = new mbedtls_pk_context;
  mbedtls_pk_init(pk);
  pk_ = pk;
  // PEM input must include its terminating NUL in the length.
  int rc = mbedtls_pk_parse_public_key(pk, reinterpret_cast<const unsigned char*>(public_key_pem.c_str()),
                                       public_key_pem.size() + 1);
  if (rc != 0) {
    char code[16];
    std::snprintf(code, sizeof code, "-0x%04X", static_cast<unsigned>(-rc));
    key_error_ = std::string("the OTA public key is not a PEM public key (mbedTLS error ") + code + ")";
  } else if (!mbedtls_pk_can_do(pk, MBEDTLS_PK_ECDSA) || mbedtls_pk_get_bitlen(pk) != 256) {
    key_error_ = "the OTA public key is not an EC P-256 key";
  }
}

MbedtlsManifestVerifier::~MbedtlsManifestVerifier() {
  auto* pk = static_cast<mbedtls_pk_context*>(pk_);
  mbedtls_pk_free(pk);
  delete pk;
}

OtaVerdict MbedtlsManifestVerifier::verify(const std::string& manifest_bytes, const std::string& signature_der,
                                           const std::string& model, const std::string& running_version,
                                           OtaManifest& out, std::string& detail) {
  if (!key_error_.empty()) {
    detail = key_error_;
    return OtaVerdict::BadSignature;
  }
  // The signature first: nothing of an unauthenticated manifest is believed, not even its model.
  unsigned char hash[32];
  const mbedtls_md_info_t* sha256 = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
  if (mbedtls_md(sha256, reinterpret_cast<const unsigned char*>(manifest_bytes.data()), manifest_bytes.size(), hash) !=
          0 ||
      mbedtls_pk_verify(static_cast<mbedtls_pk_context*>(pk_), MBEDTLS_MD_SHA256, hash, sizeof hash,
                        reinterpret_cast<const unsigned char*>(signature_der.data()), signature_der.size()) != 0) {
    detail = "the manifest's signature does not verify with the built-in OTA key";
    return OtaVerdict::BadSignature;
  }
  if (!parse_manifest(manifest_bytes, out, detail)) return OtaVerdict::Malformed;
  if (out.model != model) {
    detail = "the image is for model \"" + out.model + "\"; this device is \"" + model + "\"";
    return OtaVerdict::WrongModel;
  }
  if (compare_semver(out.version, running_version) <= 0) {
    detail = "version " + out.version + " is not newer than the running " + running_version + " (no downgrade)";
    return OtaVerdict::NotNewer;
  }
  detail.clear();
  return OtaVerdict::Accepted;
}

ImageCheck::ImageCheck(const OtaManifest& manifest) : manifest_(manifest) {
  auto* md = new mbedtls_md_context_t;
  mbedtls_md_init(md);
  mbedtls_md_setup(md, mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), 0);
  mbedtls_md_starts(md);
  md_ = md;
}

ImageCheck::~ImageCheck() {
  auto* md = static_cast<mbedtls_md_context_t*>(md_);
  mbedtls_md_free(md);
  delete md;
}

bool ImageCheck::update(const uint8_t* data, size_t length) {
  received_ += length;
  if (received_ > manifest_.size) {
    too_long_ = true;
    return false;
  }
  mbedtls_md_update(static_cast<mbedtls_md_context_t*>(md_), data, length);
  return true;
}

OtaVerdict ImageCheck::finish(std::string& detail) {
  if (too_long_ || received_ != manifest_.size) {
    detail = too_long_ ? "the image is longer than the manifest's " + std::to_string(manifest_.size) + " bytes"
                       : "the image is truncated: " + std::to_string(received_) + " of " +
                             std::to_string(manifest_.size) + " bytes";
    return OtaVerdict::SizeMismatch;
  }
  unsigned char hash[32];
  mbedtls_md_finish(static_cast<mbedtls_md_context_t*>(md_), hash);
  std::string got = hex(hash, sizeof hash);
  if (got != manifest_.sha256) {
    detail = "the image's SHA-256 is " + got + ", the manifest says " + manifest_.sha256;
    return OtaVerdict::HashMismatch;
  }
  detail.clear();
  return OtaVerdict::Accepted;
}

}  // namespace flux::fw
