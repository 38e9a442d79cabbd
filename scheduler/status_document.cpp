#include "scheduler/status_document.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <ctime>

namespace scale::scheduler {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr const char* kMetricNames[] = {"new_offers_per_sec",     "task_updates_per_sec",
                                        "tasks_finished_per_sec", "jobs_finished_per_sec",
                                        "jobs_launched_per_sec",  "tasks_launched_per_sec",
                                        "offers_launched_per_sec"};
constexpr const char* kResourceNames[] = {"cpus", "mem", "disk", "gpus"};
constexpr const char* kResourceColumns[] = {"running", "offered", "free", "unavailable", "total"};

void write_state(Writer& w, bool paused) {
  w.Key("state");
  w.StartObject();
  w.Key("name");
  w.String(paused ? "PAUSED" : "READY");
  w.Key("title");
  w.String(paused ? "Paused" : "Ready");
  w.Key("description");
  w.String(paused ? "Scheduler is paused, so no new jobs will be scheduled. Existing jobs will "
                    "continue to run."
                  : "Scheduler is ready to run new jobs.");
  w.EndObject();
}

void write_warnings(Writer& w, const std::vector<StatusWarning>& warnings) {
  w.Key("warnings");
  w.StartArray();
  for (const auto& warning : warnings) {
    w.StartObject();
    w.Key("name");
    w.String(warning.name);
    w.Key("title");
    w.String(warning.title);
    w.Key("description");
    w.String(warning.description);
    w.Key("started");
    w.String(warning.started);
    w.Key("last_updated");
    w.String(warning.last_updated);
    w.EndObject();
  }
  w.EndArray();
}

void write_scheduler(Writer& w, const StatusInputs& in) {
  w.Key("scheduler");
  w.StartObject();
  w.Key("hostname");
  w.String(in.hostname);
  w.Key("mesos");
  w.StartObject();
  w.Key("framework_id");
  w.String(in.framework_id);
  w.Key("master");
  w.String(in.master);
  w.EndObject();
  w.Key("metrics");
  w.StartObject();
  for (const char* name : kMetricNames) {
    w.Key(name);
    w.Double(0.0);
  }
  w.EndObject();
  write_state(w, in.paused);
  write_warnings(w, in.warnings);
  w.EndObject();
}

void write_resources(Writer& w) {
  w.Key("resources");
  w.StartObject();
  for (const char* resource : kResourceNames) {
    w.Key(resource);
    w.StartObject();
    for (const char* column : kResourceColumns) {
      w.Key(column);
      w.Double(0.0);
    }
    w.EndObject();
  }
  w.EndObject();
}

void write_cluster(Writer& w, const StatusInputs& in) {
  w.Key("cluster");
  w.StartObject();
  w.Key("leader");
  w.StartObject();
  w.Key("replica_id");
  w.String(in.leader_replica_id);
  w.Key("api_url");
  w.String(in.leader_api_url);
  w.Key("hostname");
  w.String(in.hostname);
  w.Key("since");
  w.String(iso8601_utc(in.term_started));
  w.EndObject();
  w.Key("epoch");
  w.Int64(in.epoch);
  w.Key("replicas");
  w.StartArray();
  for (const auto& replica : in.replicas) {
    w.StartObject();
    w.Key("replica_id");
    w.String(replica.replica_id);
    w.Key("api_url");
    w.String(replica.api_url);
    w.Key("hostname");
    w.String(replica.hostname);
    w.Key("pid");
    w.Int64(replica.pid);
    w.Key("role");
    w.String(replica.leader ? "leader" : "follower");
    w.EndObject();
  }
  w.EndArray();
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
  w.Key("timestamp");
  w.String(iso8601_utc(in.now));
  write_scheduler(w, in);
  w.Key("num_offers");
  w.Int(0);
  write_resources(w);
  w.Key("nodes");
  w.StartArray();
  w.EndArray();
  write_cluster(w, in);
  w.EndObject();
  return buffer.GetString();
}

}  // namespace scale::scheduler
