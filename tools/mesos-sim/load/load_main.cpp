// mesos-sim-load: a load client of the emulator. It subscribes, accepts every offer with as many
// LAUNCHes per ACCEPT as the offer holds, acknowledges every uuid-bearing update on separate
// keep-alive connections, and prints the launch rate the emulator absorbed (from /sim/state).

#include <gflags/gflags.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "raw_http.h"

DEFINE_int32(port, 5050, "emulator port on 127.0.0.1");
DEFINE_double(seconds, 10, "measurement duration");
DEFINE_double(task_cpus, 0.1, "cpus per task");
DEFINE_double(task_mem, 32, "mem per task");
DEFINE_int32(max_tasks_per_accept, 1000, "cap of LAUNCHes in one ACCEPT");
DEFINE_int32(accept_connections, 2, "connections sending ACCEPT");
DEFINE_int32(ack_connections, 4, "connections sending ACKNOWLEDGE");

namespace {

using mesos_sim::client::Connection;
using Clock = std::chrono::steady_clock;

// A blocking queue of request bodies, shared by the sender threads.
class WorkQueue {
 public:
  void push(std::string item) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      items_.push_back(std::move(item));
    }
    ready_.notify_one();
  }
  bool pop(std::string* item, const std::atomic<bool>& stop) {
    std::unique_lock<std::mutex> lock(mutex_);
    ready_.wait_for(lock, std::chrono::milliseconds(100), [&] { return !items_.empty(); });
    if (items_.empty() || stop) return false;
    *item = std::move(items_.front());
    items_.pop_front();
    return true;
  }
  void wake_all() { ready_.notify_all(); }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::string> items_;
};

struct Shared {
  std::string framework_id, stream_id;
  WorkQueue accepts, acks;
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> running{0}, acks_sent{0}, accepts_sent{0}, non_202{0};
  uint64_t task_counter = 0;
};

std::string accept_body(Shared& s, const rapidjson::Value& offer) {
  std::string agent = offer["agent_id"]["value"].GetString();
  double cpus = 0, mem = 0;
  for (const auto& r : offer["resources"].GetArray()) {
    std::string name = r["name"].GetString();
    if (name == "cpus") cpus = r["scalar"]["value"].GetDouble();
    if (name == "mem") mem = r["scalar"]["value"].GetDouble();
  }
  int n = std::min<int>({static_cast<int>(cpus / FLAGS_task_cpus + 1e-9),
                         static_cast<int>(mem / FLAGS_task_mem), FLAGS_max_tasks_per_accept});
  std::string infos;
  char resources[256];
  std::snprintf(resources, sizeof(resources),
                R"([{"name":"cpus","type":"SCALAR","scalar":{"value":%g}},)"
                R"({"name":"mem","type":"SCALAR","scalar":{"value":%g}}])",
                FLAGS_task_cpus, FLAGS_task_mem);
  for (int i = 0; i < n; ++i) {
    std::string id = "load-" + std::to_string(s.task_counter++);
    if (i) infos += ',';
    infos += R"({"name":")" + id + R"(","task_id":{"value":")" + id +
             R"("},"agent_id":{"value":")" + agent +
             R"("},"command":{"value":"true"},"resources":)" + resources + "}";
  }
  return R"({"type":"ACCEPT","framework_id":{"value":")" + s.framework_id +
         R"("},"accept":{"offer_ids":[{"value":")" + offer["id"]["value"].GetString() +
         R"("}],"operations":[{"type":"LAUNCH","launch":{"task_infos":[)" + infos +
         R"(]}}],"filters":{"refuse_seconds":0.01}}})";
}

void on_event(Shared& s, const std::string& record) {
  rapidjson::Document doc;
  doc.Parse(record.c_str(), record.size());
  if (doc.HasParseError()) return;
  std::string type = doc["type"].GetString();
  if (type == "OFFERS") {
    for (const auto& offer : doc["offers"]["offers"].GetArray())
      s.accepts.push(accept_body(s, offer));
  } else if (type == "UPDATE") {
    const auto& status = doc["update"]["status"];
    if (std::string(status["state"].GetString()) == "TASK_RUNNING") ++s.running;
    if (!status.HasMember("uuid")) return;
    s.acks.push(R"({"type":"ACKNOWLEDGE","framework_id":{"value":")" + s.framework_id +
                R"("},"acknowledge":{"agent_id":{"value":")" +
                status["agent_id"]["value"].GetString() + R"("},"task_id":{"value":")" +
                status["task_id"]["value"].GetString() + R"("},"uuid":")" +
                status["uuid"].GetString() + R"("}})");
  }
}

void sender(Shared& s, WorkQueue& queue, std::atomic<uint64_t>& sent) {
  Connection c(static_cast<uint16_t>(FLAGS_port));
  mesos_sim::client::Headers headers{{"Content-Type", "application/json"},
                                     {"Mesos-Stream-Id", s.stream_id}};
  std::string body;
  while (!s.stop) {
    if (!queue.pop(&body, s.stop)) continue;
    if (c.call("POST", "/api/v1/scheduler", headers, body).status != 202) ++s.non_202;
    ++sent;
  }
}

uint64_t launches(uint16_t port) {
  Connection c(port);
  rapidjson::Document doc;
  std::string body = c.call("GET", "/sim/state", {}, "").body;
  doc.Parse(body.c_str(), body.size());
  return doc.HasParseError() ? 0 : doc["launches"].GetUint64();
}

// SUBSCRIBE on stream, which then carries the events; false (and why on stderr) when refused.
bool subscribe(Connection& stream, Shared& s) {
  stream.send(
      "POST", "/api/v1/scheduler", {{"Content-Type", "application/json"}},
      R"({"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"load","name":"load",)"
      R"("roles":["load"],"capabilities":[{"type":"MULTI_ROLE"},{"type":"PARTITION_AWARE"}]}}})");
  auto head = stream.read_head();
  auto first = stream.next_record(std::chrono::seconds(5));
  if (head.status != 200 || !first) {
    std::fprintf(stderr, "mesos-sim-load: SUBSCRIBE failed (status %d)\n", head.status);
    return false;
  }
  rapidjson::Document subscribed;
  subscribed.Parse(first->c_str());
  s.framework_id = subscribed["subscribed"]["framework_id"]["value"].GetString();
  s.stream_id = head.header("mesos-stream-id");
  return true;
}

std::vector<std::thread> start_senders(Shared& s) {
  std::vector<std::thread> threads;
  for (int i = 0; i < FLAGS_accept_connections; ++i) {
    threads.emplace_back([&s] { sender(s, s.accepts, s.accepts_sent); });
  }
  for (int i = 0; i < FLAGS_ack_connections; ++i) {
    threads.emplace_back([&s] { sender(s, s.acks, s.acks_sent); });
  }
  return threads;
}

void stop_senders(Shared& s, std::vector<std::thread>& threads) {
  s.stop = true;
  s.accepts.wake_all();
  s.acks.wake_all();
  for (auto& t : threads) t.join();
}

// Handles the stream's events for --seconds from start, or until the stream ends; how many.
uint64_t handle_events(Connection& stream, Shared& s, Clock::time_point start) {
  auto end = start + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(FLAGS_seconds));
  uint64_t events = 0;
  while (Clock::now() < end) {
    auto record = stream.next_record(std::chrono::milliseconds(100));
    if (record) {
      ++events;
      on_event(s, *record);
    } else if (stream.at_eof()) {
      break;
    }
  }
  return events;
}

void print_rates(const Shared& s, uint64_t launched, uint64_t events, double elapsed) {
  std::printf(
      "launches: %llu in %.2f s = %.0f launches/s; TASK_RUNNING seen %.0f/s; events %.0f/s; "
      "ACCEPTs %.0f/s; ACKs %.0f/s; non-202 answers %llu\n",
      static_cast<unsigned long long>(launched), elapsed, launched / elapsed, s.running / elapsed,
      events / elapsed, s.accepts_sent / elapsed, s.acks_sent / elapsed,
      static_cast<unsigned long long>(s.non_202.load()));
}

}  // namespace

int main(int argc, char** argv) {
  gflags::ParseCommandLineFlags(&argc, &argv, true);
  Shared s;
  uint16_t port = static_cast<uint16_t>(FLAGS_port);
  Connection stream(port);
  if (!subscribe(stream, s)) return 1;
  std::vector<std::thread> threads = start_senders(s);
  uint64_t start_launches = launches(port);
  auto start = Clock::now();
  const uint64_t events = handle_events(stream, s, start);
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  uint64_t total = launches(port) - start_launches;
  stop_senders(s, threads);
  print_rates(s, total, events, elapsed);
  return 0;
}
