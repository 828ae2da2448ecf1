// OTA manifest checks against keys and signatures made by OpenSSL (another implementation than the
// mbedTLS the device verifies with), generated afresh for each run.
#include <doctest/doctest.h>

#include <string>

#include "flux/fw/ota.h"

using namespace flux::fw;

#include "ota_keys.h"

using namespace ota_test;


TEST_CASE("a manifest signed with the OTA key is accepted, then the image is checked as it is written") {
  Keys keys;
  std::string image(70000, 'x');
  for (size_t i = 0; i < image.size(); ++i) image[i] = static_cast<char>(i * 31 % 251);
  std::string m = manifest("esp32-electrical", "1.3.0", image.size(), keys.sha256(image));
  MbedtlsManifestVerifier verifier(keys.pub());
  REQUIRE(verifier.key_error().empty());
  OtaManifest got;
  std::string detail;
  CHECK(verifier.verify(m, keys.sign(m), "esp32-electrical", "1.2.3", got, detail) == OtaVerdict::Accepted);
  CHECK(got.version == "1.3.0");
  CHECK(got.size == image.size());

  ImageCheck check(got);
  for (size_t at = 0; at < image.size(); at += 4096) {
    size_t n = std::min<size_t>(4096, image.size() - at);
    REQUIRE(check.update(reinterpret_cast<const uint8_t*>(image.data() + at), n));
  }
  CHECK(check.finish(detail) == OtaVerdict::Accepted);
}

TEST_CASE("a tampered image, a truncated download and an overlong one are refused") {
  Keys keys;
  std::string image(5000, 'a');
  OtaManifest m{"esp32-electrical", "1.3.0", image.size(), keys.sha256(image)};
  std::string detail;

  std::string tampered = image;
  tampered[2500] = 'b';
  ImageCheck a(m);
  a.update(reinterpret_cast<const uint8_t*>(tampered.data()), tampered.size());
  CHECK(a.finish(detail) == OtaVerdict::HashMismatch);
  CHECK(detail.find("the image's SHA-256 is ") == 0);

  ImageCheck b(m);
  b.update(reinterpret_cast<const uint8_t*>(image.data()), 4000);
  CHECK(b.finish(detail) == OtaVerdict::SizeMismatch);
  CHECK(detail == "the image is truncated: 4000 of 5000 bytes");

  ImageCheck c(m);
  c.update(reinterpret_cast<const uint8_t*>(image.data()), image.size());
  CHECK_FALSE(c.update(reinterpret_cast<const uint8_t*>("z"), 1));
  CHECK(c.finish(detail) == OtaVerdict::SizeMismatch);
  CHECK(detail == "the image is longer than the manifest's 5000 bytes");
}

TEST_CASE("a wrong key, a changed manifest, another model and a downgrade are refused") {
  Keys keys;
  std::string sha(64, 'a');
  std::string m = manifest("esp32-electrical", "1.3.0", 100, sha);
  MbedtlsManifestVerifier verifier(keys.pub());
  OtaManifest got;
  std::string detail;
  CHECK(verifier.verify(m, keys.sign(m, "other.key"), "esp32-electrical", "1.2.3", got, detail) ==
        OtaVerdict::BadSignature);
  CHECK(detail == "the manifest's signature does not verify with the built-in OTA key");
  std::string signed_sig = keys.sign(m);
  std::string changed = manifest("esp32-electrical", "9.0.0", 100, sha);
  CHECK(verifier.verify(changed, signed_sig, "esp32-electrical", "1.2.3", got, detail) == OtaVerdict::BadSignature);
  CHECK(verifier.verify(m, "", "esp32-electrical", "1.2.3", got, detail) == OtaVerdict::BadSignature);

  CHECK(verifier.verify(m, signed_sig, "esp32-thermal", "1.2.3", got, detail) == OtaVerdict::WrongModel);
  CHECK(detail == "the image is for model \"esp32-electrical\"; this device is \"esp32-thermal\"");
  CHECK(verifier.verify(m, signed_sig, "esp32-electrical", "1.3.0", got, detail) == OtaVerdict::NotNewer);
  CHECK(detail == "version 1.3.0 is not newer than the running 1.3.0 (no downgrade)");
  CHECK(verifier.verify(m, signed_sig, "esp32-electrical", "1.10.0", got, detail) == OtaVerdict::NotNewer);

  std::string extra = R"({"model":"esp32-electrical","version":"1.3.0","size":100,"sha256":")" + sha + R"(","x":1})";
  CHECK(verifier.verify(extra, keys.sign(extra), "esp32-electrical", "1.2.3", got, detail) == OtaVerdict::Malformed);
  CHECK(detail == "manifest: x: is not a manifest field");
}

TEST_CASE("only an EC P-256 public key is usable") {
  Keys keys;
  CHECK(MbedtlsManifestVerifier(keys.pub("p384.pub")).key_error() == "the OTA public key is not an EC P-256 key");
  CHECK(MbedtlsManifestVerifier("not a key").key_error().find("is not a PEM public key") != std::string::npos);
  MbedtlsManifestVerifier none("not a key");
  OtaManifest got;
  std::string detail;
  CHECK(none.verify("{}", "x", "m", "1.0.0", got, detail) == OtaVerdict::BadSignature);
}

TEST_CASE("versions compare by SemVer precedence") {
  CHECK(compare_semver("1.3.0", "1.2.3") > 0);
  CHECK(compare_semver("1.10.0", "1.9.9") > 0);
  CHECK(compare_semver("1.3.0", "1.3.0+build.7") == 0);
  CHECK(compare_semver("1.3.0-rc.1", "1.3.0") < 0);
  CHECK(compare_semver("1.3.0-rc.2", "1.3.0-rc.10") < 0);
  CHECK(compare_semver("1.3.0-alpha", "1.3.0-alpha.1") < 0);
  CHECK(compare_semver("1.3.0-1", "1.3.0-alpha") < 0);
  CHECK(compare_semver("2.0.0", "10.0.0") < 0);
}

TEST_CASE("manifests are read strictly and base64 decoded") {
  OtaManifest m;
  std::string error;
  CHECK_FALSE(parse_manifest(R"({"model":"Esp32","version":"1.3","size":0,"sha256":"AB"})", m, error));
  CHECK(error == "manifest: model: is not 1 to 64 characters of a-z, 0-9, '-' and '_'; version: is not a semantic "
                 "version such as 1.2.3; size: is not a byte count from 1 to 4294967295; sha256: is not 64 lowercase "
                 "hex digits");
  CHECK_FALSE(parse_manifest(R"({"model":"esp32"})", m, error));
  CHECK(error == "manifest: version: is required; size: is required; sha256: is required");
  std::string out;
  CHECK(decode_base64("c2lnbmF0dXJl", out));
  CHECK(out == "signature");
  CHECK_FALSE(decode_base64("!!!", out));
}
