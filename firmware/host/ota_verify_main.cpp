// flux-ota-verify: the core's OTA checks on files, for the cross-language tests (manifests signed by
// `flux ota sign` in Java, verified here by the same mbedTLS code the device runs) and for an operator who
// wants to check a signed image before a rollout.
#include <cstdio>
#include <string>

#include "flux/fw/ota.h"
#include "ota_host.h"


int main(int argc, char** argv) {
  if (argc != 7) {
    std::fputs("usage: flux-ota-verify PUBLIC_KEY.pem IMAGE.manifest.json IMAGE.manifest.sig IMAGE MODEL RUNNING_VERSION\n"
               "Checks a signed image as a device does; prints \"accepted\" (exit 0) or \"refused: VERDICT: detail\"\n"
               "(exit 1); exit 2 on unreadable files.\n",
               stderr);
    return 2;
  }
  std::string key, manifest, sig64, image;
  const char* names[] = {argv[1], argv[2], argv[3], argv[4]};
  std::string* outs[] = {&key, &manifest, &sig64, &image};
  for (int i = 0; i < 4; ++i) {
    if (!flux::host::read_file(names[i], *outs[i])) {
      std::fprintf(stderr, "flux-ota-verify: %s: cannot read\n", names[i]);
      return 2;
    }
  }
  while (!sig64.empty() && (sig64.back() == '\n' || sig64.back() == '\r')) sig64.pop_back();
  std::string sig;
  if (!flux::fw::decode_base64(sig64, sig)) {
    std::printf("refused: BadSignature: the signature file is not base64\n");
    return 1;
  }
  flux::fw::MbedtlsManifestVerifier verifier(key);
  flux::fw::OtaManifest m;
  std::string detail;
  flux::fw::OtaVerdict v = verifier.verify(manifest, sig, argv[5], argv[6], m, detail);
  if (v == flux::fw::OtaVerdict::Accepted) {
    flux::fw::ImageCheck check(m);
    check.update(reinterpret_cast<const uint8_t*>(image.data()), image.size());
    v = check.finish(detail);
  }
  if (v != flux::fw::OtaVerdict::Accepted) {
    std::printf("refused: %s: %s\n", flux::fw::ota_verdict_name(v), detail.c_str());
    return 1;
  }
  std::printf("accepted: %s %s, %llu bytes\n", m.model.c_str(), m.version.c_str(),
              static_cast<unsigned long long>(m.size));
  return 0;
}
