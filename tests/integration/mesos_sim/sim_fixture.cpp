#include "sim_fixture.h"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <utility>

namespace mesos_sim::test {

std::string sim_binary() {
  const char* dir = std::getenv("SCALE_BUILD_DIR");
  if (!dir) throw std::runtime_error("SCALE_BUILD_DIR is not set (run through ctest)");
  return std::string(dir) + "/tools/mesos-sim/mesos-sim";
}

Sim::Sim(std::vector<std::string> flags, bool wait_ready) : port_(scale::test::free_port()) {
  std::vector<std::string> argv{sim_binary(), "--listen=127.0.0.1:" + std::to_string(port_)};
  argv.insert(argv.end(), flags.begin(), flags.end());
  argv.push_back("--journal=" + journal_path().string());
  process_ = std::make_unique<scale::test::ChildProcess>(argv, dir_.path() / "sim.log");
  if (!wait_ready) return;
  bool ready = scale::test::wait_until(
      [&] {
        try {
          Connection c(port_);
          return c.call("GET", "/sim/state", {}, "", 1s).status == 200;
        } catch (...) {
          return false;
        }
      },
      10s);
  if (!ready) throw std::runtime_error("mesos-sim did not start: " + log());
}

std::string Sim::log() const {
  return scale::test::read_tail(dir_.path() / "sim.log");
}

rapidjson::Document Sim::state() const {
  Connection c(port_);
  return parse(c.call("GET", "/sim/state", {}, "").body);
}

rapidjson::Document Sim::journal() const {
  Connection c(port_);
  return parse(c.call("GET", "/sim/journal", {}, "").body);
}

Response Sim::sim_post(const std::string& path, const std::string& body) const {
  Connection c(port_);
  return c.call("POST", path, {{"Content-Type", "application/json"}}, body);
}

rapidjson::Document parse(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  if (doc.HasParseError()) throw std::runtime_error("not JSON: " + json);
  return doc;
}

std::string current_user() {
  const passwd* pw = getpwuid(geteuid());
  return pw ? pw->pw_name : "root";
}

std::string basic_authorization(const std::string& principal, const std::string& secret) {
  // Its own encoder, not the emulator's: the tests must not share the code they check.
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const std::string in = principal + ":" + secret;
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t n = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8;
    if (i + 2 < in.size()) n |= static_cast<unsigned char>(in[i + 2]);
    const size_t chars = std::min<size_t>(in.size() - i, 3) + 1;  // the rest is padding
    for (size_t k = 0; k < 4; ++k) out += k < chars ? alphabet[(n >> (18 - 6 * k)) & 63] : '=';
  }
  return "Basic " + out;
}

std::string framework_info(const std::optional<std::string>& id, bool partition_aware) {
  std::string caps = R"([{"type":"MULTI_ROLE"})";
  if (partition_aware) caps += R"(,{"type":"PARTITION_AWARE"})";
  caps += "]";
  return R"({"user":")" + current_user() +
         R"(","name":"conformance","roles":["r"],)"
         R"("failover_timeout":3600,)"
         R"("checkpoint":true,"capabilities":)" +
         caps + (id ? R"(,"id":{"value":")" + *id + R"("})" : "") + "}";
}

std::string subscribe_call(const std::optional<std::string>& id) {
  std::string top = id ? R"("framework_id":{"value":")" + *id + R"("},)" : "";
  return "{" + top + R"("type":"SUBSCRIBE","subscribe":{"framework_info":)" + framework_info(id) +
         "}}";
}

Headers json_headers(const std::optional<std::string>& stream_id) {
  Headers headers{{"Content-Type", "application/json"}};
  if (stream_id) headers.emplace_back("Mesos-Stream-Id", *stream_id);
  return headers;
}

Response post(uint16_t port, const std::string& body, const Headers& headers,
              const std::string& path) {
  Connection c(port);
  return c.call("POST", path, headers, body);
}

Subscriber::Subscriber(uint16_t port, const std::optional<std::string>& id, Headers extra,
                       const std::string& body)
    : port_(port), extra_(std::move(extra)), connection_(port) {
  Headers headers = json_headers();
  headers.insert(headers.end(), extra_.begin(), extra_.end());
  connection_.send("POST", "/api/v1/scheduler", headers, body.empty() ? subscribe_call(id) : body);
  head_ = connection_.read_head();
  stream_id_ = head_.header("mesos-stream-id");
  if (head_.status != 200) return;
  // The first record is SUBSCRIBED, or an ERROR that next("ERROR") must still see.
  first_ = connection_.next_record(5s);
  if (!first_) return;
  rapidjson::Document doc = parse(*first_);
  if (std::string(doc["type"].GetString()) == "SUBSCRIBED") {
    framework_id_ = doc["subscribed"]["framework_id"]["value"].GetString();
    first_.reset();
  }
}

std::optional<std::string> Subscriber::next_raw(std::chrono::milliseconds timeout) {
  if (first_) return std::exchange(first_, std::nullopt);
  return connection_.next_record(timeout);
}

bool Subscriber::ends_within(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!next_raw(std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now()))) {
      break;
    }
  }
  return connection_.stream_ended() || connection_.at_eof();
}

std::optional<rapidjson::Document> Subscriber::next(const std::string& type,
                                                    std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto record = next_raw(left);
    if (!record) return std::nullopt;
    rapidjson::Document doc = parse(*record);
    if (doc["type"].GetString() == type) return doc;
  }
}

Response Subscriber::call(const std::string& body) {
  Headers headers = json_headers(stream_id_);
  headers.insert(headers.end(), extra_.begin(), extra_.end());
  return post(port_, body, headers);
}

}  // namespace mesos_sim::test
