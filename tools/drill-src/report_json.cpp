// The drill's result as JSON for scripts (--json): one writer, one function per section.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <optional>
#include <string>
#include <type_traits>

#include "report.h"
#include "report_summary.h"

namespace scale::drill {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

double tenths(double v) {
  return std::round(v * 10) / 10;
}

void put(Writer& w, const char* key, long long v) {
  w.Key(key);
  w.Int64(v);
}

void put(Writer& w, const char* key, const std::string& v) {
  w.Key(key);
  w.String(v);
}

void put_bool(Writer& w, const char* key, bool v) {
  w.Key(key);
  w.Bool(v);
}

void put_double(Writer& w, const char* key, double v) {
  w.Key(key);
  w.Double(v);
}

void put_ms(Writer& w, const char* key, const std::optional<double>& v) {
  w.Key(key);
  if (v) {
    w.Int64(std::llround(*v));
  } else {
    w.Null();
  }
}

void put_spread(Writer& w, const char* key, const Spread& s) {
  w.Key(key);
  if (s.n == 0) return static_cast<void>(w.Null());
  w.StartObject();
  put(w, "n", static_cast<long long>(s.n));
  put(w, "median_ms", std::llround(s.median));
  put(w, "worst_ms", std::llround(s.worst));
  w.EndObject();
}

template <typename Map>
void put_counts(Writer& w, const char* key, const Map& counts) {
  w.Key(key);
  w.StartObject();
  for (const auto& [name, n] : counts) {
    if constexpr (std::is_integral_v<std::decay_t<decltype(name)>>) {
      w.Key(std::to_string(name).c_str());
    } else {
      w.Key(name.c_str());
    }
    w.Int64(n);
  }
  w.EndObject();
}

void write_summary(Writer& w, const Report& r) {
  w.Key("summary");
  w.StartObject();
  for (const auto& k : summarize(r)) {
    w.Key(kind_name(k.kind));
    w.StartObject();
    put(w, "faults", static_cast<long long>(k.recs.size()));
    put(w, "settled", static_cast<long long>(k.settled));
    put(w, "new_term", static_cast<long long>(k.new_term));
    put_spread(w, "leader", k.leader);
    put_spread(w, "status_write", k.status);
    put_spread(w, "first_launch", k.launch);
    put_spread(w, "victim_rejoined", k.rejoin);
    w.EndObject();
  }
  w.EndObject();
}

void write_fault(Writer& w, const FaultRecord& f) {
  w.StartObject();
  put(w, "number", f.number);
  put(w, "kind", std::string(kind_name(f.kind)));
  put(w, "target", f.target);
  put_double(w, "injected_at", f.injected_at);
  put_double(w, "measured_from", f.measured_from);
  put_ms(w, "leader_ms", f.leader_ms);
  put_ms(w, "status_ms", f.status_ms);
  put_ms(w, "launch_ms", f.launch_ms);
  put_ms(w, "rejoin_ms", f.rejoin_ms);
  put(w, "leader_before", f.leader_before);
  put(w, "epoch_before", f.epoch_before);
  put(w, "leader_after", f.leader_after);
  put(w, "epoch_after", f.epoch_after);
  put_bool(w, "settled", f.settled);
  put(w, "note", f.note);
  w.EndObject();
}

void write_load(Writer& w, const LoadStats& load) {
  w.Key("load");
  w.StartObject();
  put(w, "attempted", load.attempted);
  put(w, "accepted", load.accepted);
  put(w, "no_answer", load.no_answer);
  put(w, "skipped", load.skipped);
  put_counts(w, "rejected", load.rejected);
  w.EndObject();
}

void write_audit(Writer& w, const AuditResult& audit, bool real_mesos) {
  w.Key("audit");
  w.StartObject();
  put(w, "submitted", audit.submitted);
  put_counts(w, "by_status", audit.by_status);
  put(w, "lost", audit.lost);
  put(w, "unfinished", audit.unfinished);
  put(w, "launches", audit.launches);
  put(w, "duplicate_task_ids", audit.duplicate_task_ids);
  put(w, real_mesos ? "master_listed_twice" : "emulator_duplicate_launches",
      audit.mesos_duplicates);
  put(w, "launches_without_row", audit.launches_without_row);
  put(w, "stale_epoch_writes", audit.stale_writes);
  put(w, "max_live_subscriptions", audit.max_live_streams);
  if (audit.framework.known) {
    w.Key("framework_ids");
    w.StartArray();
    for (const auto& id : audit.framework.ids) w.String(id);
    w.EndArray();
    put(w, "subscriptions_seen", audit.framework.subscriptions);
  }
  put_double(w, "drain_s", tenths(audit.drain_s));
  w.EndObject();
}

void write_status_polls(Writer& w, const Report& r) {
  w.Key("status_polls");
  w.StartObject();
  for (const auto& [name, c] : r.status) {
    w.Key(name.c_str());
    w.StartObject();
    put(w, "polls", c.polls);
    put(w, "ok", c.ok);
    put(w, "unavailable", c.unavailable);
    put(w, "no_answer", c.no_answer);
    put(w, "stale_ok", c.stale_ok);
    put_double(w, "oldest_ok_s", tenths(c.worst_age_ok));
    w.EndObject();
  }
  w.EndObject();
}

void write_violations(Writer& w, const std::vector<Violation>& violations) {
  w.Key("violations");
  w.StartArray();
  for (const auto& v : violations) {
    w.StartObject();
    put(w, "check", v.check);
    put(w, "detail", v.detail);
    put_double(w, "at", v.at);
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace

std::string json_report(const Report& r) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  put_bool(w, "ok", r.violations.empty() && !r.interrupted);
  put_bool(w, "interrupted", r.interrupted);
  put_double(w, "duration_s", tenths(r.duration_s));
  put_double(w, "rate", r.options.rate);
  put(w, "session_timeout_ms", r.session_timeout_ms);
  put_bool(w, "netns", r.netns);
  put(w, "mesos", std::string(r.real_mesos ? "real" : "sim"));
  write_summary(w, r);
  w.Key("faults");
  w.StartArray();
  for (const auto& f : r.faults) write_fault(w, f);
  w.EndArray();
  write_load(w, r.load);
  write_audit(w, r.audit, r.real_mesos);
  write_status_polls(w, r);
  write_violations(w, r.violations);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

}  // namespace scale::drill
