// OTA test material made by OpenSSL at test time (another implementation than the mbedTLS the device verifies
// with): signing keys, signatures, hashes and manifests.
#pragma once

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace ota_test {

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void spit(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

/** A temporary directory with an OTA signing key, another P-256 key and a P-384 key, made by openssl. */
struct Keys {
  std::string dir;
  Keys() {
    char templ[] = "/tmp/flux-ota-test-XXXXXX";
    dir = mkdtemp(templ);
    std::string cmd = "cd " + dir +
                      " && openssl ecparam -name prime256v1 -genkey -noout -out signing.key 2>/dev/null"
                      " && openssl ec -in signing.key -pubout -out signing.pub 2>/dev/null"
                      " && openssl ecparam -name prime256v1 -genkey -noout -out other.key 2>/dev/null"
                      " && openssl ec -in other.key -pubout -out other.pub 2>/dev/null"
                      " && openssl ecparam -name secp384r1 -genkey -noout -out p384.key 2>/dev/null"
                      " && openssl ec -in p384.key -pubout -out p384.pub 2>/dev/null";
    REQUIRE_MESSAGE(std::system(cmd.c_str()) == 0, "openssl could not make the test keys in " << dir);
  }
  ~Keys() { std::system(("rm -rf " + dir).c_str()); }

  /** The DER ECDSA signature (SHA-256) of {@code bytes} by {@code key}, as `flux ota sign` (Java SHA256withECDSA) gives. */
  std::string sign(const std::string& bytes, const std::string& key = "signing.key") const {
    spit(dir + "/manifest.json", bytes);
    std::string cmd = "cd " + dir + " && openssl dgst -sha256 -sign " + key + " -out manifest.sig manifest.json";
    REQUIRE(std::system(cmd.c_str()) == 0);
    return slurp(dir + "/manifest.sig");
  }
  std::string pub(const std::string& name = "signing.pub") const { return slurp(dir + "/" + name); }
  std::string sha256(const std::string& bytes) const {
    spit(dir + "/image.bin", bytes);
    std::string cmd = "cd " + dir + " && openssl dgst -sha256 -r image.bin | cut -c1-64 > image.sha";
    REQUIRE(std::system(cmd.c_str()) == 0);
    std::string h = slurp(dir + "/image.sha");
    return h.substr(0, 64);
  }
};

inline std::string manifest(const std::string& model, const std::string& version, size_t size, const std::string& sha) {
  return R"({"model":")" + model + R"(","version":")" + version + R"(","size":)" + std::to_string(size) +
         R"(,"sha256":")" + sha + R"("})";
}

/** Standard base64 with padding, as the ota command carries the manifest and the signature. */
inline std::string base64(const std::string& bytes) {
  static const char* abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                 static_cast<unsigned char>(bytes[i + 2]);
    out += {abc[v >> 18], abc[(v >> 12) & 63], abc[(v >> 6) & 63], abc[v & 63]};
  }
  if (i + 1 == bytes.size()) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    out += {abc[v >> 18], abc[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += {abc[v >> 18], abc[(v >> 12) & 63], abc[(v >> 6) & 63], '='};
  }
  return out;
}

}  // namespace ota_test
