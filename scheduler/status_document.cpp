#include "scheduler/status_document.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <ctime>
#include <iterator>

namespace scale::scheduler {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void put(Writer& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value);
}

void put(Writer& w, const char* key, long long value) {
  w.Key(key);
  w.Int64(value);
}

constexpr const char* kMetricNames[] = {"new_offers_per_sec",     "task_updates_per_sec",
                                        "tasks_finished_per_sec", "jobs_finished_per_sec",
                                        "jobs_launched_per_sec",  "tasks_launched_per_sec",
                                        "offers_launched_per_sec"};
constexpr const char* kResourceNames[] = {"cpus", "mem", "disk", "gpus"};
constexpr const char* kResourceColumns[] = {"running", "offered", "free", "unavailable", "total"};

void write_state(Writer& w, bool paused) {
  w.Key("state");
  w.StartObject();
  put(w, "name", paused ? "PAUSED" : "READY");
  put(w, "title", paused ? "Paused" : "Ready");
  put(w, "description",
      paused ? "Scheduler is paused, so no new jobs will be scheduled. Existing jobs will "
               "continue to run."
             : "Scheduler is ready to run new jobs.");
  w.EndObject();
}

void write_warnings(Writer& w, const std::vector<StatusWarning>& warnings) {
  w.Key("warnings");
  w.StartArray();
  for (const auto& warning : warnings) {
    w.StartObject();
    put(w, "name", warning.name);
    put(w, "title", warning.title);
    put(w, "description", warning.description);
    put(w, "started", warning.started);
    put(w, "last_updated", warning.last_updated);
    w.EndObject();
  }
  w.EndArray();
}

void write_scheduler(Writer& w, const StatusInputs& in) {
  w.Key("scheduler");
  w.StartObject();
  put(w, "hostname", in.hostname);
  w.Key("mesos");
  w.StartObject();
  put(w, "framework_id", in.framework_id);
  put(w, "master", in.master);
  w.EndObject();
  w.Key("metrics");
  w.StartObject();
  for (size_t i = 0; i < in.metrics.size(); ++i) {
    w.Key(kMetricNames[i]);
    w.Double(in.metrics[i]);
  }
  w.EndObject();
  write_state(w, in.paused);
  write_warnings(w, in.warnings);
  w.EndObject();
}

void write_resource_lines(Writer& w, const ResourceLines& lines) {
  w.StartObject();
  for (size_t i = 0; i < lines.size(); ++i) {
    const ResourceLine& line = lines[i];
    const double values[] = {line.running, line.offered, line.free, line.unavailable, line.total};
    w.Key(kResourceNames[i]);
    w.StartObject();
    for (size_t c = 0; c < std::size(kResourceColumns); ++c) {
      w.Key(kResourceColumns[c]);
      w.Double(values[c]);
    }
    w.EndObject();
  }
  w.EndObject();
}

void write_nodes(Writer& w, const std::vector<NodeStatus>& nodes) {
  w.Key("nodes");
  w.StartArray();
  for (const auto& node : nodes) {
    w.StartObject();
    put(w, "id", node.id);
    put(w, "hostname", node.hostname);
    put(w, "agent_id", node.agent_id);
    w.Key("is_active");
    w.Bool(node.is_active);
    w.Key("is_paused");
    w.Bool(node.is_paused);
    w.Key("state");
    w.StartObject();
    const char* name = !node.is_active ? "INACTIVE" : node.is_paused ? "PAUSED" : "READY";
    put(w, "name", name);
    put(w, "title", node.is_paused ? node.pause_reason : std::string(name));
    w.EndObject();
    w.Key("errors");
    w.StartArray();
    w.EndArray();
    w.Key("warnings");
    w.StartArray();
    w.EndArray();
    put(w, "num_offers", node.num_offers);
    w.Key("resources");
    write_resource_lines(w, node.resources);
    w.Key("job_executions");
    w.StartObject();
    const std::pair<const char*, long long> counts[] = {{"running", node.running_tasks},
                                                        {"completed", node.completed_tasks},
                                                        {"failed", node.failed_tasks}};
    for (const auto& [name, total] : counts) {
      w.Key(name);
      w.StartObject();
      put(w, "total", total);
      w.EndObject();
    }
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
}

// Each term with its end (null while it lasts) and its promotion steps.
void write_terms(Writer& w, const std::vector<TermSeen>& terms) {
  w.Key("terms");
  w.StartArray();
  for (const auto& term : terms) {
    w.StartObject();
    put(w, "epoch", term.epoch);
    put(w, "replica_id", term.replica_id);
    put(w, "started", term.started);
    w.Key("ended");
    term.ended.empty() ? w.Null() : w.String(term.ended);
    w.Key("end_reason");
    term.end_reason.empty() ? w.Null() : w.String(term.end_reason);
    w.Key("steps");
    w.StartArray();
    for (const auto& [name, ms] : term.steps) {
      w.StartObject();
      put(w, "name", name);
      put(w, "ms", ms);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
}

void write_cluster(Writer& w, const StatusInputs& in) {
  w.Key("cluster");
  w.StartObject();
  w.Key("leader");
  w.StartObject();
  put(w, "replica_id", in.leader_replica_id);
  put(w, "api_url", in.leader_api_url);
  put(w, "hostname", in.hostname);
  put(w, "since", iso8601_utc(in.term_started));
  w.EndObject();
  put(w, "epoch", static_cast<long long>(in.epoch));
  w.Key("replicas");
  w.StartArray();
  for (const auto& replica : in.replicas) {
    w.StartObject();
    put(w, "replica_id", replica.replica_id);
    put(w, "api_url", replica.api_url);
    put(w, "hostname", replica.hostname);
    put(w, "pid", static_cast<long long>(replica.pid));
    put(w, "role", replica.leader ? "leader" : "follower");
    put(w, "version", replica.version);
    put(w, "started", replica.started);
    if (replica.heartbeat_age_s) {
      w.Key("heartbeat_age_s");
      w.Double(*replica.heartbeat_age_s);
    }
    w.EndObject();
  }
  w.EndArray();
  write_terms(w, in.terms);
  w.EndObject();
}

}  // namespace

std::string iso8601_utc(std::chrono::system_clock::time_point when) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  const size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%.*s.%03lldZ", static_cast<int>(n), text,
                static_cast<long long>(ms % 1000));
  return out;
}

std::string render_status_document(const StatusInputs& in) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  put(w, "timestamp", iso8601_utc(in.now));
  write_scheduler(w, in);
  w.Key("num_offers");
  w.Int64(in.num_offers);
  w.Key("resources");
  write_resource_lines(w, in.resources);
  write_nodes(w, in.nodes);
  write_cluster(w, in);
  w.EndObject();
  return buffer.GetString();
}

}  // namespace scale::scheduler
