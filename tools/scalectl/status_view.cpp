// scalectl status and leader: the status document (DESIGN.md section 6) and the leader record,
// printed for people. Keys the document does not have yet print as "-", so a newer or older
// leader's document never breaks the command.
#include <rapidjson/document.h>

#include <cstdio>

#include "tools/scalectl/commands.h"
#include "tools/scalectl/output.h"

namespace scale::scalectl {
namespace {

const rapidjson::Value& member(const rapidjson::Value& obj, const char* key) {
  static const rapidjson::Value null;
  if (!obj.IsObject()) return null;
  const auto it = obj.FindMember(key);
  return it == obj.MemberEnd() ? null : it->value;
}

void print_resources(const rapidjson::Value& resources, std::ostream& out) {
  if (!resources.IsObject()) return;
  Table table({"RESOURCE", "RUNNING", "OFFERED", "FREE", "UNAVAILABLE", "TOTAL"});
  for (const auto& [name, value] : resources.GetObject()) {
    table.add({name.GetString(), field(value, "running"), field(value, "offered"),
               field(value, "free"), field(value, "unavailable"), field(value, "total")});
  }
  out << "\n";
  table.print(out);
}

void print_nodes(const rapidjson::Value& nodes, std::ostream& out) {
  if (!nodes.IsArray() || nodes.Empty()) return;
  Table table({"NODE", "HOSTNAME", "AGENT", "STATE", "ACTIVE", "OFFERS"});
  for (const auto& node : nodes.GetArray()) {
    table.add({field(node, "id"), field(node, "hostname"), field(node, "agent_id"),
               text_of(member(member(node, "state"), "name")), field(node, "is_active"),
               field(node, "num_offers")});
  }
  out << "\n";
  table.print(out);
}

void print_warnings(const rapidjson::Value& warnings, std::ostream& out) {
  if (!warnings.IsArray() || warnings.Empty()) return;
  out << "\nWarnings:\n";
  for (const auto& warning : warnings.GetArray()) {
    out << "  " << field(warning, "name") << ": " << field(warning, "title") << " (since "
        << field(warning, "started") << ")\n";
  }
}

// "fenced 12, state_loaded 40, ..." from a term's steps, each in ms since the election.
std::string steps_text(const rapidjson::Value& steps) {
  if (!steps.IsArray() || steps.Empty()) return "-";
  std::string text;
  for (const auto& step : steps.GetArray()) {
    if (!text.empty()) text += ", ";
    text += field(step, "name") + " " + field(step, "ms");
  }
  return text;
}

// The leader as one line: its id, where its API is, since when. Older documents carry only a name.
std::string leader_text(const rapidjson::Value& leader) {
  if (!leader.IsObject()) return text_of(leader);
  return field(leader, "replica_id") + " at " + field(leader, "api_url") + " since " +
         field(leader, "since");
}

// "1.2 s" since the replica last refreshed its election node; "-" when the document has none.
std::string heartbeat_text(const rapidjson::Value& replica) {
  const auto& age = member(replica, "heartbeat_age_s");
  if (!age.IsNumber()) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", age.GetDouble());
  return text;
}

void print_cluster(const rapidjson::Value& cluster, std::ostream& out) {
  const auto& replicas = member(cluster, "replicas");
  if (replicas.IsArray() && !replicas.Empty()) {
    Table table({"REPLICA", "ROLE", "API", "HOSTNAME", "VERSION", "STARTED", "HEARTBEAT AGE"});
    for (const auto& replica : replicas.GetArray()) {
      table.add({field(replica, "replica_id"), field(replica, "role"), field(replica, "api_url"),
                 field(replica, "hostname"), field(replica, "version"), field(replica, "started"),
                 heartbeat_text(replica)});
    }
    out << "\n";
    table.print(out);
  }
  const auto& terms = member(cluster, "terms");
  if (terms.IsArray() && !terms.Empty()) {
    Table table({"EPOCH", "REPLICA", "STARTED", "ENDED", "END REASON", "STEPS (MS SINCE ELECTED)"});
    for (const auto& term : terms.GetArray()) {
      table.add({field(term, "epoch"), field(term, "replica_id"), field(term, "started"),
                 field(term, "ended"), field(term, "end_reason"),
                 steps_text(member(term, "steps"))});
    }
    out << "\n";
    table.print(out);
  }
}

// The scheduler's own facts, then the cluster's scalar facts; lists get their own tables.
void print_summary(const rapidjson::Value& doc, std::ostream& out) {
  const auto& scheduler = member(doc, "scheduler");
  const auto& state = member(scheduler, "state");
  const auto& mesos = member(scheduler, "mesos");
  Table table({"FIELD", "VALUE"});
  table.add({"state", text_of(member(state, "name")) + " (" + field(state, "title") + ")"});
  table.add({"hostname", field(scheduler, "hostname")});
  table.add({"framework", field(mesos, "framework_id")});
  table.add({"master", field(mesos, "master")});
  table.add({"offers", field(doc, "num_offers")});
  table.add({"timestamp", field(doc, "timestamp")});
  const auto& cluster = member(doc, "cluster");
  if (cluster.IsObject()) {
    for (const auto& [key, value] : cluster.GetObject()) {
      const std::string name = key.GetString();
      if (name == "leader") {
        table.add({"cluster.leader", leader_text(value)});
      } else if (!value.IsArray()) {
        table.add({"cluster." + name, text_of(value)});
      }
    }
  }
  table.print(out);
}

}  // namespace

void show_status(ApiClient& client, const Options& options, std::ostream& out) {
  const auto answer = client.call("GET", "/v6/status/");
  if (options.json) {
    out << answer.body << "\n";
    return;
  }
  const auto doc = parse_answer(answer.body);
  print_summary(doc, out);
  print_cluster(member(doc, "cluster"), out);
  print_resources(member(doc, "resources"), out);
  print_nodes(member(doc, "nodes"), out);
  print_warnings(member(member(doc, "scheduler"), "warnings"), out);
}

void show_leader(ApiClient& client, const Options& options, std::ostream& out) {
  const auto answer = client.call("GET", "/v6/leader/");
  if (options.json) {
    out << answer.body << "\n";
    return;
  }
  const auto doc = parse_answer(answer.body);
  out << field(doc, "replica_id") << " at " << field(doc, "api_url") << ", epoch "
      << field(doc, "epoch") << ", since " << field(doc, "since") << "\n";
}

}  // namespace scale::scalectl
