#include "watch.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>

#include "http.h"

namespace scale::drill {
namespace {

using namespace std::chrono_literals;

// Polling cadence: /leaderhealth fast enough to time a failover to ~50 ms, the status document
// a few times per status interval.
constexpr auto kRolePeriod = 50ms;
constexpr int kStatusEvery = 5;
constexpr auto kSimPeriod = 200ms;
constexpr size_t kDetailedPerCheck = 20;  // beyond that, violations are only counted

std::string format_seconds(double s, int decimals) {
  char text[48];
  std::snprintf(text, sizeof text, "%.*f", decimals, s);
  return text;
}

void sleep_until_or_stop(std::chrono::steady_clock::time_point until,
                         const std::atomic<bool>& stop) {
  while (!stop && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(10ms);
}

}  // namespace

void Violations::add(const std::string& check, const std::string& detail) {
  std::lock_guard lock(mutex_);
  if (++counts_[check] <= kDetailedPerCheck) list_.push_back({check, detail, wall_now()});
}

std::vector<Violation> Violations::all() const {
  std::lock_guard lock(mutex_);
  std::vector<Violation> out = list_;
  for (const auto& [check, n] : counts_) {
    if (n > kDetailedPerCheck) {
      out.push_back(
          {check, std::to_string(n - kDetailedPerCheck) + " more not listed", wall_now()});
    }
  }
  return out;
}

size_t Violations::count(const std::string& check) const {
  std::lock_guard lock(mutex_);
  auto it = counts_.find(check);
  return it == counts_.end() ? 0 : it->second;
}

const char* role_name(Role role) {
  switch (role) {
    case Role::Unreachable:
      return "unreachable";
    case Role::Leader:
      return "leader";
    case Role::Follower:
      return "follower";
    case Role::NoLeaderKnown:
      return "no-leader-known";
    case Role::Other:
      break;
  }
  return "other";
}

ReplicaWatch::ReplicaWatch(ReplicaInfo replica, double fresh_s, Violations& violations)
    : replica_(std::move(replica)), fresh_s_(fresh_s), violations_(violations) {
  thread_ = std::thread([this] { run(); });
}

ReplicaWatch::~ReplicaWatch() {
  stop_ = true;
  thread_.join();
}

void ReplicaWatch::run() {
  HttpClient role_client(replica_.url, 1000ms);
  HttpClient status_client(replica_.url, 1000ms);
  for (int turn = 0; !stop_; ++turn) {
    const auto next = std::chrono::steady_clock::now() + kRolePeriod;
    const HttpAnswer a = role_client.get("/leaderhealth");
    const Role role = a.status == 200   ? Role::Leader
                      : a.status == 503 ? Role::Follower
                      : a.status == 502 ? Role::NoLeaderKnown
                      : a.status == 0   ? Role::Unreachable
                                        : Role::Other;
    {
      std::lock_guard lock(mutex_);
      roles_.emplace_back(wall_now(), role);
    }
    if (turn % kStatusEvery == 0) poll_status(status_client);
    sleep_until_or_stop(next, stop_);
  }
}

void ReplicaWatch::poll_status(HttpClient& client) {
  const double sent = wall_now();
  const HttpAnswer a = client.get("/v6/status/");
  std::optional<double> timestamp;
  long long epoch = 0;
  if (a.status == 200) {
    rapidjson::Document doc;
    doc.Parse(a.body.c_str(), a.body.size());
    if (!doc.HasParseError() && doc.IsObject() && doc.HasMember("timestamp") &&
        doc["timestamp"].IsString()) {
      timestamp = parse_iso8601(doc["timestamp"].GetString());
    }
    if (!doc.HasParseError() && doc.IsObject() && doc.HasMember("cluster") &&
        doc["cluster"].IsObject() && doc["cluster"].HasMember("epoch") &&
        doc["cluster"]["epoch"].IsInt64()) {
      epoch = doc["cluster"]["epoch"].GetInt64();
    }
  }
  std::lock_guard lock(mutex_);
  ++counts_.polls;
  if (a.status == 0) {
    ++counts_.no_answer;
  } else if (a.status != 200) {
    ++counts_.unavailable;
  } else {
    ++counts_.ok;
    if (!timestamp) {
      violations_.add("status_fresh", replica_.name +
                                          " answered /v6/status/ 200 without a valid "
                                          "timestamp: " +
                                          a.body.substr(0, 120));
      return;
    }
    // Age against the time the request was sent: the server judged freshness later than that,
    // so this never blames it for the drill's own latency.
    const double age = sent - *timestamp;
    counts_.worst_age_ok = std::max(counts_.worst_age_ok, age);
    if (age > fresh_s_) {
      ++counts_.stale_ok;
      // Milliseconds: a document can cross the limit by less than its own commit latency.
      violations_.add("status_fresh", replica_.name + " answered /v6/status/ 200 with a document " +
                                          format_seconds(age, 3) + " s old (its timestamp " +
                                          format_seconds(*timestamp, 3) + ", asked at " +
                                          format_seconds(sent, 3) + "; limit " +
                                          format_seconds(fresh_s_, 1) + " s)");
    }
    if (documents_.empty() || documents_.back().first != *timestamp) {
      documents_.emplace_back(*timestamp, epoch);
    }
  }
}

std::optional<double> ReplicaWatch::first_role_at_or_after(Role role, double t) const {
  std::lock_guard lock(mutex_);
  auto it = std::lower_bound(roles_.begin(), roles_.end(), t,
                             [](const auto& entry, double time) { return entry.first < time; });
  for (; it != roles_.end(); ++it) {
    if (it->second == role) return it->first;
  }
  return std::nullopt;
}

std::pair<Role, double> ReplicaWatch::last_role() const {
  std::lock_guard lock(mutex_);
  if (roles_.empty()) return {Role::Unreachable, 0};
  return {roles_.back().second, roles_.back().first};
}

std::optional<double> ReplicaWatch::first_status_at_or_after(double t, long long not_epoch) const {
  std::lock_guard lock(mutex_);
  std::optional<double> best;
  for (const auto& [ts, epoch] : documents_) {
    if (ts >= t && (not_epoch == 0 || epoch != not_epoch) && (!best || ts < *best)) best = ts;
  }
  return best;
}

StatusCounts ReplicaWatch::status_counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

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
  const HttpAnswer state = client.get("/sim/state");
  if (state.status == 200) {
    rapidjson::Document doc;
    doc.Parse(state.body.c_str(), state.body.size());
    if (!doc.HasParseError() && doc.IsObject()) {
      int live = 0;
      std::string who;
      if (doc.HasMember("frameworks") && doc["frameworks"].IsArray()) {
        for (const auto& fw : doc["frameworks"].GetArray()) {
          if (!fw.IsObject() || !fw.HasMember("live_streams") || !fw["live_streams"].IsInt())
            continue;
          const int n = fw["live_streams"].GetInt();
          live += n;
          if (n > 0 && fw.HasMember("id") && fw["id"].IsString()) {
            who += std::string(who.empty() ? "" : ", ") + fw["id"].GetString() + " x" +
                   std::to_string(n);
          }
        }
      }
      std::vector<AgentView> agents;
      if (doc.HasMember("agents") && doc["agents"].IsArray()) {
        for (const auto& a : doc["agents"].GetArray()) {
          if (!a.IsObject() || !a.HasMember("id") || !a["id"].IsString()) continue;
          AgentView view;
          view.id = a["id"].GetString();
          if (a.HasMember("state") && a["state"].IsString()) view.state = a["state"].GetString();
          if (a.HasMember("tasks") && a["tasks"].IsInt()) view.tasks = a["tasks"].GetInt();
          agents.push_back(view);
        }
      }
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
  }
  const HttpAnswer journal = client.get("/sim/journal?since=" + std::to_string(next_));
  if (journal.status != 200) return;
  rapidjson::Document doc;
  doc.Parse(journal.body.c_str(), journal.body.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("launches") ||
      !doc["launches"].IsArray() || !doc.HasMember("next") || !doc["next"].IsUint64()) {
    return;
  }
  std::vector<Launch> batch;
  for (const auto& l : doc["launches"].GetArray()) {
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
