#pragma once

// The core emulator under test without HTTP: a Master driven with a fake clock, and a sink that
// records (and decodes) every event it sends. Shared by the core's unit tests.

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "call.h"
#include "master.h"

namespace mesos_sim {

// Collects what the master sends, decoded.
class RecordingSink : public StreamSink {
 public:
  void send(const std::string& stream, const std::string& event) override {
    rapidjson::Document doc;
    doc.Parse(event.c_str());
    EXPECT_FALSE(doc.HasParseError()) << event;
    events[stream].push_back(event);
  }
  void close(const std::string& stream) override { closed.push_back(stream); }

  // Events of `type` on a stream, decoded; clears them.
  std::vector<rapidjson::Document> take(const std::string& stream, const std::string& type) {
    std::vector<rapidjson::Document> out;
    auto& list = events[stream];
    for (auto it = list.begin(); it != list.end();) {
      rapidjson::Document doc;
      doc.Parse(it->c_str());
      if (type == doc["type"].GetString()) {
        out.push_back(std::move(doc));
        it = list.erase(it);
      } else {
        ++it;
      }
    }
    return out;
  }

  std::map<std::string, std::vector<std::string>> events;
  std::vector<std::string> closed;
};

inline Call parse_ok(const std::string& json) {
  ParsedCall parsed = parse_call(json.data(), json.size());
  EXPECT_TRUE(parsed.call) << parsed.error << " in " << json;
  return parsed.call.value_or(Call{});
}

class MasterTest : public ::testing::Test {
 protected:
  MasterTest() {
    config_.agents = 2;
    config_.agent_resources = Resources{4, 4096, 1000, 0};
    config_.task_ms_min = config_.task_ms_max = 100;
    config_.offer_interval_ms = 10;
    config_.update_retry_s = 1;
    config_.task_starting = false;  // these tests follow RUNNING; parity_test covers STARTING
    restart();
  }

  // A new master with the current config_ (tests change it first).
  void restart() {
    master_ = std::make_unique<Master>(config_, MasterInfo{"m", "127.0.0.1", "h", "1.12.0", 5050},
                                       sink_, journal_, now_);
  }

  static constexpr const char* kFields =
      R"("roles":["r"],"capabilities":[{"type":"MULTI_ROLE"},{"type":"PARTITION_AWARE"}])";

  // `fields`: the FrameworkInfo fields besides user, name, failover_timeout and id.
  std::string subscribe(const std::optional<std::string>& id = std::nullopt,
                        const std::string& fields = kFields,
                        const std::optional<std::string>& principal = std::nullopt) {
    std::string idjson = id ? R"("id":{"value":")" + *id + R"("},)" : "";
    std::string top = id ? R"("framework_id":{"value":")" + *id + R"("},)" : "";
    Call call =
        parse_ok("{" + top + R"("type":"SUBSCRIBE","subscribe":{"framework_info":{)" + idjson +
                 R"("user":"u","name":"n","failover_timeout":10,)" + fields + "}}}");
    stream_ = master_->new_stream_id();
    master_->subscribe(call, stream_, now_, principal);
    auto subscribed = sink_.take(stream_, "SUBSCRIBED");
    if (!subscribed.empty()) fw_ = subscribed[0]["subscribed"]["framework_id"]["value"].GetString();
    return stream_;
  }

  Reply call(const std::string& type, const std::string& sub = "",
             const std::optional<std::string>& principal = std::nullopt) {
    Call c = parse_ok(R"({"type":")" + type + R"(","framework_id":{"value":")" + fw_ + R"("})" +
                      sub + "}");
    return master_->call(c, stream_, now_, principal);
  }

  void advance(Millis ms) {
    for (Millis t = 0; t < ms; t += 5) {
      now_ += 5;
      master_->tick(now_);
    }
  }

  // The first offer of the next OFFERS event: {offer id, agent id}.
  std::pair<std::string, std::string> offer() {
    advance(20);
    auto offers = sink_.take(stream_, "OFFERS");
    if (offers.empty()) return {};
    const auto& o = offers[0]["offers"]["offers"][0];
    return {o["id"]["value"].GetString(), o["agent_id"]["value"].GetString()};
  }

  // The offers of the next OFFERS event that holds two: {offer id, agent id} each.
  std::vector<std::pair<std::string, std::string>> two_offers() {
    advance(20);
    auto offers = sink_.take(stream_, "OFFERS");
    if (offers.empty() || offers[0]["offers"]["offers"].Size() != 2) return {};
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& o : offers[0]["offers"]["offers"].GetArray())
      out.emplace_back(o["id"]["value"].GetString(), o["agent_id"]["value"].GetString());
    return out;
  }

  std::string launch(const std::string& offer_id, const std::string& agent, const std::string& task,
                     double cpus = 1, const std::string& filters = "") {
    return R"(,"accept":{"offer_ids":[{"value":")" + offer_id +
           R"("}],"operations":[{"type":"LAUNCH","launch":{"task_infos":[{"name":"x",)"
           R"("task_id":{"value":")" +
           task + R"("},"agent_id":{"value":")" + agent +
           R"("},"command":{"value":"true"},"resources":[{"name":"cpus","type":"SCALAR",)"
           R"("scalar":{"value":)" +
           std::to_string(cpus) + "}}]}]}}]" + filters + "}";
  }

  // The statuses of the UPDATE events sent so far (taken).
  std::vector<rapidjson::Document> updates() {
    std::vector<rapidjson::Document> out;
    for (auto& doc : sink_.take(stream_, "UPDATE")) {
      rapidjson::Document status;
      status.CopyFrom(doc["update"]["status"], status.GetAllocator());
      out.push_back(std::move(status));
    }
    return out;
  }

  std::vector<std::string> states(const std::string& type = "UPDATE") {
    std::vector<std::string> out;
    for (auto& doc : sink_.take(stream_, type)) {
      out.push_back(doc["update"]["status"]["state"].GetString());
    }
    return out;
  }

  Config config_;
  RecordingSink sink_;
  Journal journal_{""};
  Millis now_ = 1000;
  std::unique_ptr<Master> master_;
  std::string stream_, fw_;
};

}  // namespace mesos_sim
