#include "watch.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "http.h"

namespace scale::drill {
namespace {

using namespace std::chrono_literals;

// Polling cadence: /leaderhealth fast enough to time a failover to ~50 ms, the status document
// a few times per status interval.
constexpr auto kRolePeriod = 50ms;
constexpr int kStatusEvery = 5;
constexpr size_t kDetailedPerCheck = 20;  // beyond that, violations are only counted

std::string format_seconds(double s, int decimals) {
  char text[48];
  std::snprintf(text, sizeof text, "%.*f", decimals, s);
  return text;
}

}  // namespace

void sleep_until_or_stop(std::chrono::steady_clock::time_point until,
                         const std::atomic<bool>& stop) {
  while (!stop && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(10ms);
}

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

}  // namespace scale::drill
