#include "sim_watch.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <chrono>
#include <set>

#include "http.h"

namespace scale::drill {
namespace {

using namespace std::chrono_literals;

constexpr auto kSimPeriod = 200ms;

// The live subscriptions of every framework in /sim/state; who names the frameworks holding them.
int live_streams(const rapidjson::Document& doc, std::string& who) {
  int live = 0;
  if (!doc.HasMember("frameworks") || !doc["frameworks"].IsArray()) return live;
  for (const auto& fw : doc["frameworks"].GetArray()) {
    if (!fw.IsObject() || !fw.HasMember("live_streams") || !fw["live_streams"].IsInt()) continue;
    const int n = fw["live_streams"].GetInt();
    live += n;
    if (n > 0 && fw.HasMember("id") && fw["id"].IsString()) {
      who += std::string(who.empty() ? "" : ", ") + fw["id"].GetString() + " x" + std::to_string(n);
    }
  }
  return live;
}

std::vector<AgentView> agents_in(const rapidjson::Document& doc) {
  std::vector<AgentView> agents;
  if (!doc.HasMember("agents") || !doc["agents"].IsArray()) return agents;
  for (const auto& a : doc["agents"].GetArray()) {
    if (!a.IsObject() || !a.HasMember("id") || !a["id"].IsString()) continue;
    AgentView view;
    view.id = a["id"].GetString();
    if (a.HasMember("state") && a["state"].IsString()) view.state = a["state"].GetString();
    if (a.HasMember("tasks") && a["tasks"].IsInt()) view.tasks = a["tasks"].GetInt();
    agents.push_back(view);
  }
  return agents;
}

// The launches of one /sim/journal answer.
std::vector<Launch> launches_in(const rapidjson::Value& launches) {
  std::vector<Launch> batch;
  for (const auto& l : launches.GetArray()) {
    if (!l.IsObject()) continue;
    Launch launch;
    auto str = [&](const char* key) {
      return l.HasMember(key) && l[key].IsString() ? std::string(l[key].GetString()) : "";
    };
    launch.time = l.HasMember("time") && l["time"].IsNumber() ? l["time"].GetDouble() : 0;
    launch.task_id = str("task_id");
    launch.framework_id = str("framework_id");
    launch.stream_id = str("stream_id");
    batch.push_back(std::move(launch));
  }
  return batch;
}

}  // namespace

SimWatch::SimWatch(std::string sim_url, Violations& violations)
    : url_(std::move(sim_url)), violations_(violations) {
  thread_ = std::thread([this] { run(); });
}

SimWatch::~SimWatch() {
  stop_ = true;
  thread_.join();
}

void SimWatch::run() {
  HttpClient client(url_, 2000ms);
  while (!stop_) {
    const auto next = std::chrono::steady_clock::now() + kSimPeriod;
    poll(client);
    sleep_until_or_stop(next, stop_);
  }
}

void SimWatch::catch_up() {
  HttpClient client(url_, 5000ms);
  poll(client);
}

void SimWatch::poll(HttpClient& client) {
  std::lock_guard poll_lock(poll_mutex_);
  poll_state(client);
  poll_journal(client);
}

void SimWatch::poll_state(HttpClient& client) {
  const HttpAnswer state = client.get("/sim/state");
  if (state.status != 200) return;
  rapidjson::Document doc;
  doc.Parse(state.body.c_str(), state.body.size());
  if (doc.HasParseError() || !doc.IsObject()) return;
  std::string who;
  const int live = live_streams(doc, who);
  std::vector<AgentView> agents = agents_in(doc);
  long long duplicates = 0;
  if (doc.HasMember("duplicate_launches") && doc["duplicate_launches"].IsInt64()) {
    duplicates = doc["duplicate_launches"].GetInt64();
  }
  bool report = false;
  {
    std::lock_guard lock(mutex_);
    agents_ = std::move(agents);
    duplicates_ = duplicates;
    max_live_ = std::max(max_live_, live);
    // One violation per episode, not one per poll.
    report = live > 1 && !over_one_;
    over_one_ = live > 1;
  }
  if (report) {
    violations_.add("one_subscription",
                    std::to_string(live) + " live Mesos subscriptions at once: " + who);
  }
}

void SimWatch::poll_journal(HttpClient& client) {
  const HttpAnswer journal = client.get("/sim/journal?since=" + std::to_string(next_));
  if (journal.status != 200) return;
  rapidjson::Document doc;
  doc.Parse(journal.body.c_str(), journal.body.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("launches") ||
      !doc["launches"].IsArray() || !doc.HasMember("next") || !doc["next"].IsUint64()) {
    return;
  }
  std::vector<Launch> batch = launches_in(doc["launches"]);
  std::lock_guard lock(mutex_);
  launches_.insert(launches_.end(), batch.begin(), batch.end());
  next_ = doc["next"].GetUint64();
}

std::optional<double> SimWatch::first_launch_at_or_after(double t, bool new_streams_only) const {
  std::lock_guard lock(mutex_);
  std::set<std::string> old_streams;
  if (new_streams_only) {
    for (const auto& l : launches_) {
      if (l.time < t) old_streams.insert(l.stream_id);
    }
  }
  std::optional<double> best;
  for (const auto& l : launches_) {
    if (l.time >= t && !old_streams.count(l.stream_id) && (!best || l.time < *best)) best = l.time;
  }
  return best;
}

size_t SimWatch::launches_between(double from, double to) const {
  std::lock_guard lock(mutex_);
  return static_cast<size_t>(
      std::count_if(launches_.begin(), launches_.end(),
                    [&](const Launch& l) { return l.time >= from && l.time <= to; }));
}

std::vector<Launch> SimWatch::launches() const {
  std::lock_guard lock(mutex_);
  return launches_;
}

std::vector<AgentView> SimWatch::agents() const {
  std::lock_guard lock(mutex_);
  return agents_;
}

long long SimWatch::duplicate_launches() const {
  std::lock_guard lock(mutex_);
  return duplicates_;
}

int SimWatch::max_live_streams() const {
  std::lock_guard lock(mutex_);
  return max_live_;
}

}  // namespace scale::drill
