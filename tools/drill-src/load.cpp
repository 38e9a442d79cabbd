#include "load.h"

#include <rapidjson/document.h>

#include <chrono>
#include <cstdio>
#include <memory>

#include "http.h"

namespace scale::drill {
namespace {

using namespace std::chrono_literals;

// Enough workers that a few submits hanging on a frozen or cut-off replica (HAProxy notices it
// after two failed checks) do not stall the rate.
constexpr int kWorkers = 6;
// A slot this late is dropped rather than sent in a burst after an outage.
constexpr auto kMaxLateness = 5s;
constexpr auto kIdleReconnect = 5s;

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace

LoadGenerator::LoadGenerator(std::string url, double rate_per_s, std::string command)
    : url_(std::move(url)),
      rate_(rate_per_s),
      command_json_(json_string(command)),
      start_(std::chrono::steady_clock::now()) {
  if (rate_ <= 0) return;
  for (int i = 0; i < kWorkers; ++i) workers_.emplace_back([this] { worker(); });
}

LoadGenerator::~LoadGenerator() {
  stop();
}

void LoadGenerator::stop() {
  stop_ = true;
  for (auto& t : workers_) {
    if (t.joinable()) t.join();
  }
}

void LoadGenerator::worker() {
  auto client = std::make_unique<HttpClient>(url_, 5000ms);
  auto last_used = std::chrono::steady_clock::now();
  while (!stop_) {
    const long slot = next_slot_++;
    const auto due = start_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                  std::chrono::duration<double>(slot / rate_));
    while (!stop_ && std::chrono::steady_clock::now() < due) {
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
          due - std::chrono::steady_clock::now(), 50ms));
    }
    if (stop_) break;
    if (std::chrono::steady_clock::now() - due > kMaxLateness) {
      std::lock_guard lock(mutex_);
      ++stats_.skipped;
      continue;
    }
    // mesos-sim runs each task for its --task_ms, whatever the command; a real Mesos runs it.
    const std::string body = R"({"name":"drill-)" + std::to_string(slot) + R"(","command":)" +
                             command_json_ +
                             R"(,"resources":{"cpus":0.25,"mem":64},"max_tries":3})";
    // HAProxy closes a keep-alive connection idle for its `timeout http-request` (10 s); a POST
    // on a connection it already closed fails without an answer, so a worker that sat idle
    // (low rates) starts a new one.
    if (std::chrono::steady_clock::now() - last_used > kIdleReconnect) {
      client = std::make_unique<HttpClient>(url_, 5000ms);
    }
    const HttpAnswer a = client->post("/v6/jobs/", body);
    last_used = std::chrono::steady_clock::now();
    long long id = 0;
    if (a.status == 201) {
      rapidjson::Document doc;
      doc.Parse(a.body.c_str(), a.body.size());
      if (!doc.HasParseError() && doc.IsObject() && doc.HasMember("id") && doc["id"].IsInt64()) {
        id = doc["id"].GetInt64();
      }
    }
    std::lock_guard lock(mutex_);
    ++stats_.attempted;
    if (a.status == 0) {
      if (++stats_.no_answer == 1) stats_.first_error = a.error.substr(0, 200);
    } else if (id > 0) {
      ++stats_.accepted;
      ids_.push_back(id);
    } else {
      if (++stats_.rejected[a.status] == 1) stats_.first_body[a.status] = a.body.substr(0, 200);
    }
  }
}

std::vector<long long> LoadGenerator::job_ids() const {
  std::lock_guard lock(mutex_);
  return ids_;
}

LoadStats LoadGenerator::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace scale::drill
