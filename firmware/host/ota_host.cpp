#include "ota_host.h"

#include <curl/curl.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

namespace flux::host {

namespace {

struct Transfer {
  CURL* curl;
  uint64_t offset;
  fw::ChunkSink& sink;
  std::string error;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  long status = 0;
  curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
  if (t->offset > 0 && status != 206) {
    t->error = "the server answered HTTP " + std::to_string(status) + " to a Range request; accepted: 206";
    return 0;
  }
  if (!t->sink.chunk(reinterpret_cast<const uint8_t*>(data), size * count)) {
    if (t->error.empty()) t->error = "stopped writing the image";
    return 0;
  }
  return size * count;
}

std::string one_line(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

}  // namespace

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream s;
  s << in.rdbuf();
  out = s.str();
  return !in.bad();
}

bool CurlImageSource::fetch(const std::string& url, uint64_t offset, fw::ChunkSink& sink, std::string& error) {
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    error = "libcurl could not start a transfer";
    return false;
  }
  Transfer t{curl, offset, sink, ""};
  std::string range = std::to_string(offset) + "-";
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https");  // never a plain-HTTP redirect
  curl_easy_setopt(curl, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_3));
  if (!cafile_.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, cafile_.c_str());
  curl_easy_setopt(curl, CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);  // a stalled server is given up after 15 s
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, 15L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  if (offset > 0) curl_easy_setopt(curl, CURLOPT_RANGE, range.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
  CURLcode rc = curl_easy_perform(curl);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) {
    error = t.error.empty() ? std::string(curl_easy_strerror(rc)) + " (" + url + ")" : t.error;
    return false;
  }
  return true;
}

DirectorySlots::~DirectorySlots() { close(); }

void DirectorySlots::close() {
  if (next_ != nullptr) std::fclose(next_);
  next_ = nullptr;
}

bool DirectorySlots::begin(const std::string& manifest_bytes, fw::ChunkSink& sink, uint64_t& resume_from,
                           std::string& error) {
  close();
  resume_from = 0;
  std::string previous, partial;
  if (read_file(path("next.manifest.json"), previous) && previous == manifest_bytes && read_file(path("next.bin"), partial)) {
    // The same image, interrupted: what is there is hashed again and the download goes on after it.
    if (!partial.empty() && sink.chunk(reinterpret_cast<const uint8_t*>(partial.data()), partial.size())) {
      resume_from = partial.size();
    }
  }
  if (resume_from == 0) {
    std::ofstream m(path("next.manifest.json"), std::ios::binary | std::ios::trunc);
    if (!(m << manifest_bytes)) {
      error = path("next.manifest.json") + ": cannot write";
      return false;
    }
  }
  next_ = std::fopen(path("next.bin").c_str(), resume_from > 0 ? "ab" : "wb");
  if (next_ == nullptr) {
    error = path("next.bin") + ": cannot open for writing";
    return false;
  }
  return true;
}

bool DirectorySlots::write(const uint8_t* data, size_t length, std::string& error) {
  if (next_ == nullptr || std::fwrite(data, 1, length, next_) != length || std::fflush(next_) != 0) {
    error = path("next.bin") + ": write failed";
    return false;
  }
  return true;
}

void DirectorySlots::discard() {
  close();
  std::remove(path("next.bin").c_str());
  std::remove(path("next.manifest.json").c_str());
}

bool DirectorySlots::commit(std::string& error) {
  // next.bin is the slot the next boot runs on trial (the boot record says so); all of it is on disk.
  bool ok = next_ != nullptr && std::fflush(next_) == 0;
  close();
  if (!ok) error = path("next.bin") + ": could not be completed";
  return ok;
}

bool DirectorySlots::promote(std::string& error) {
  close();
  if (std::rename(path("next.bin").c_str(), path("current.bin").c_str()) != 0 ||
      std::rename(path("next.manifest.json").c_str(), path("current.manifest.json").c_str()) != 0) {
    error = "cannot rename " + path("next.bin") + " to current.bin";
    return false;
  }
  return true;
}

fw::BootRecord DirectorySlots::load() {
  fw::BootRecord r;
  std::ifstream in(path("boot"));
  std::string line;
  while (std::getline(in, line)) {
    size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string k = line.substr(0, eq), v = line.substr(eq + 1);
    if (k == "running_version") r.running_version = v;
    else if (k == "trial_version") r.trial_version = v;
    else if (k == "trial_boots") r.trial_boots = std::atoi(v.c_str());
    else if (k == "request_id") r.last.request_id = v;
    else if (k == "state") r.last.state = v;
    else if (k == "version") r.last.version = v;
    else if (k == "detail") r.last.detail = v;
  }
  return r;
}

bool DirectorySlots::save(const fw::BootRecord& r, std::string& error) {
  std::string tmp = path(".boot.tmp");
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << "running_version=" << r.running_version << "\ntrial_version=" << r.trial_version
        << "\ntrial_boots=" << r.trial_boots << "\nrequest_id=" << r.last.request_id << "\nstate=" << r.last.state
        << "\nversion=" << r.last.version << "\ndetail=" << one_line(r.last.detail) << "\n";
    if (!out.flush()) {
      error = tmp + ": cannot write";
      return false;
    }
  }
  if (std::rename(tmp.c_str(), path("boot").c_str()) != 0) {
    error = path("boot") + ": cannot replace";
    return false;
  }
  return true;
}

}  // namespace flux::host
