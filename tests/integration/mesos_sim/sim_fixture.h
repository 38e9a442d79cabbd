#pragma once

// Starts the real mesos-sim binary for the conformance tests and talks to it over raw sockets.

#include <rapidjson/document.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "raw_http.h"
#include "tests/support/servers.h"

namespace mesos_sim::test {

using client::Connection;
using client::Headers;
using client::Response;
using namespace std::chrono_literals;

// One running emulator on a free port; killed in the destructor.
class Sim {
 public:
  explicit Sim(std::vector<std::string> flags = {}, bool wait_ready = true);
  uint16_t port() const { return port_; }
  std::string log() const;
  scale::test::ChildProcess& process() { return *process_; }
  const std::filesystem::path& dir() const { return dir_.path(); }
  std::filesystem::path journal_path() const { return dir_.path() / "journal.jsonl"; }
  rapidjson::Document state() const;    // GET /sim/state
  rapidjson::Document journal() const;  // GET /sim/journal
  Response sim_post(const std::string& path, const std::string& body) const;

 private:
  scale::test::TempDir dir_{"mesos-sim-test"};
  uint16_t port_;
  std::unique_ptr<scale::test::ChildProcess> process_;
};

std::string sim_binary();
rapidjson::Document parse(const std::string& json);
// The user running the tests: a real agent runs command tasks as FrameworkInfo.user.
std::string current_user();
std::string framework_info(const std::optional<std::string>& id, bool partition_aware = true);
std::string subscribe_call(const std::optional<std::string>& id);
Headers json_headers(const std::optional<std::string>& stream_id = std::nullopt);
// "Basic <base64(principal:secret)>".
std::string basic_authorization(const std::string& principal, const std::string& secret);
// One call on a fresh connection.
Response post(uint16_t port, const std::string& body, const Headers& headers,
              const std::string& path = "/api/v1/scheduler");

// A SUBSCRIBE stream. `extra` headers (e.g. Authorization) go with the SUBSCRIBE and with every
// call().
class Subscriber {
 public:
  Subscriber(uint16_t port, const std::optional<std::string>& id = std::nullopt, Headers extra = {},
             const std::string& body = "");
  const Response& head() const { return head_; }
  const std::string& framework_id() const { return framework_id_; }
  const std::string& stream_id() const { return stream_id_; }
  // The next event of `type` (others are skipped), or an empty document on timeout/EOF.
  std::optional<rapidjson::Document> next(const std::string& type,
                                          std::chrono::milliseconds timeout = 5s);
  std::optional<std::string> next_raw(std::chrono::milliseconds timeout = 5s);
  // Reads (and drops) events until the server ends the stream; false if it is still open.
  bool ends_within(std::chrono::milliseconds timeout);
  Connection& connection() { return connection_; }
  // A call on a second connection with this subscription's stream id.
  Response call(const std::string& body);

 private:
  uint16_t port_;
  Headers extra_;
  Connection connection_;
  Response head_;
  std::string framework_id_, stream_id_;
  std::optional<std::string> first_;  // a first record that was not SUBSCRIBED
};

}  // namespace mesos_sim::test
