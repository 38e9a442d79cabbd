#include "tools/scalectl/commands.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>
#include <functional>
#include <map>

#include "tools/scalectl/cli_error.h"
#include "tools/scalectl/output.h"

namespace scale::scalectl {

const char* const kUsage =
    "usage: scalectl [--url URL] [--token-file FILE] [--ca-file FILE | --insecure] [--json] "
    "COMMAND\n"
    "  status                    the leader's status document\n"
    "  leader                    which replica leads\n"
    "  pause | resume            stop or restart launching new tasks\n"
    "  submit --name N --command C [--cpus X] [--mem MiB] [--disk MiB] [--gpus X]\n"
    "         [--priority P] [--max_tries T]\n"
    "  jobs [--status S[,S]] [--page N]\n"
    "  job ID | cancel ID\n"
    "  nodes\n"
    "  node pause ID [--reason TEXT] | node resume ID";

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
using Args = std::vector<std::string>;

void expect_args(const Args& args, size_t count, const std::string& form) {
  if (args.size() != count) throw CliError(kExitUsage, "usage: scalectl " + form);
}

std::string id_arg(const std::string& text) {
  long long id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || id < 1) {
    throw CliError(kExitUsage, "not a job or node id: \"" + text + "\"");
  }
  return std::to_string(id);
}

// Builds a JSON object body with fn writing its members.
std::string object_body(const std::function<void(Writer&)>& fn) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  fn(writer);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

// --json: the answer as it came; otherwise `human` prints it for people.
void print(const ApiAnswer& answer, const Options& options, std::ostream& out,
           const std::function<void(const rapidjson::Document&)>& human) {
  if (options.json) {
    out << answer.body << "\n";
    return;
  }
  human(parse_answer(answer.body));
}

std::string resources_text(const rapidjson::Value& job) {
  if (!job.IsObject() || !job.HasMember("resources")) return "-";
  const auto& r = job["resources"];
  return field(r, "cpus") + " cpu, " + field(r, "mem") + " MiB mem, " + field(r, "disk") +
         " MiB disk, " + field(r, "gpus") + " gpu";
}

void print_job(const rapidjson::Value& job, std::ostream& out) {
  Table table({"FIELD", "VALUE"});
  for (const char* key : {"id", "name", "command", "status", "priority", "max_tries", "num_exes",
                          "cancel_requested", "error", "created", "queued", "started", "ended"}) {
    table.add({key, field(job, key)});
  }
  table.add({"resources", resources_text(job)});
  table.print(out);
  if (!job.HasMember("executions") || !job["executions"].IsArray()) return;
  out << "\n";
  if (job["executions"].Empty()) {
    out << "no executions\n";
    return;
  }
  Table exes({"EXE", "TASK", "STATE", "AGENT", "LAUNCHED", "ENDED", "EXIT"});
  for (const auto& exe : job["executions"].GetArray()) {
    exes.add({field(exe, "exe_num"), field(exe, "task_id"), field(exe, "state"),
              field(exe, "agent_id"), field(exe, "launched"), field(exe, "ended"),
              field(exe, "exit_reason")});
  }
  exes.print(out);
}

void set_paused(ApiClient& client, const Options& options, std::ostream& out, bool paused) {
  const auto body = object_body([&](Writer& w) {
    w.Key("is_paused");
    w.Bool(paused);
  });
  print(client.call("PATCH", "/v6/scheduler/", body), options, out, [&](const auto&) {
    out << (paused ? "Scheduler paused: no new tasks launch; running tasks finish.\n"
                   : "Scheduler resumed.\n");
  });
}

void submit(ApiClient& client, const Options& o, std::ostream& out) {
  if (!o.name || !o.command) {
    throw CliError(kExitUsage, "submit needs --name and --command");
  }
  const auto body = object_body([&](Writer& w) {
    w.Key("name");
    w.String(*o.name);
    w.Key("command");
    w.String(*o.command);
    w.Key("resources");
    w.StartObject();
    for (const auto& [key, value] : {std::pair{"cpus", o.cpus}, std::pair{"mem", o.mem},
                                     std::pair{"disk", o.disk}, std::pair{"gpus", o.gpus}}) {
      if (!value) continue;
      w.Key(key);
      w.Double(*value);
    }
    w.EndObject();
    if (o.priority) {
      w.Key("priority");
      w.Int(*o.priority);
    }
    if (o.max_tries) {
      w.Key("max_tries");
      w.Int(*o.max_tries);
    }
  });
  print(client.call("POST", "/v6/jobs/", body), o, out, [&](const rapidjson::Document& job) {
    out << "Submitted job " << field(job, "id") << " (" << field(job, "name") << "), "
        << field(job, "status") << "\n";
  });
}

void list_jobs(ApiClient& client, const Options& o, std::ostream& out) {
  std::string path = "/v6/jobs/?page=" + std::to_string(o.page.value_or(1));
  if (!o.status.empty()) path += "&status=" + o.status;
  print(client.call("GET", path), o, out, [&](const rapidjson::Document& page) {
    Table table({"ID", "NAME", "STATUS", "PRIORITY", "CPUS", "MEM", "EXES", "CREATED"});
    for (const auto& job : page["results"].GetArray()) {
      const auto& r = job["resources"];
      table.add({field(job, "id"), field(job, "name"), field(job, "status"), field(job, "priority"),
                 field(r, "cpus"), field(r, "mem"),
                 field(job, "num_exes") + "/" + field(job, "max_tries"), field(job, "created")});
    }
    table.print(out);
    out << page["count"].GetInt64() << " job(s)";
    if (page["next"].IsString()) out << "; more with --page " << o.page.value_or(1) + 1;
    out << "\n";
  });
}

void cancel(ApiClient& client, const Options& o, std::ostream& out, const std::string& id) {
  const auto answer = client.call("POST", "/v6/jobs/" + id + "/cancel/");
  print(answer, o, out, [&](const rapidjson::Document&) {
    if (answer.status == 202) {
      out << "Job " << id << " is running: kill requested; it becomes CANCELED when it stops.\n";
    } else {
      out << "Job " << id << " canceled.\n";
    }
  });
}

void list_nodes(ApiClient& client, const Options& o, std::ostream& out) {
  print(client.call("GET", "/v6/nodes/?page_size=1000"), o, out, [&](const auto& page) {
    Table table({"ID", "HOSTNAME", "AGENT", "ACTIVE", "PAUSED", "CPUS", "MEM", "REASON"});
    for (const auto& node : page["results"].GetArray()) {
      const auto& r = node["resources"];
      table.add({field(node, "id"), field(node, "hostname"), field(node, "agent_id"),
                 field(node, "is_active"), field(node, "is_paused"), field(r, "cpus"),
                 field(r, "mem"), field(node, "pause_reason")});
    }
    table.print(out);
    out << page["count"].GetInt64() << " node(s)\n";
  });
}

void node_pause(ApiClient& client, const Options& o, std::ostream& out, const Args& args) {
  expect_args(args, 3, "node pause|resume ID [--reason TEXT]");
  const bool pause = args[1] == "pause";
  if (!pause && args[1] != "resume") {
    throw CliError(kExitUsage, "node: expected pause or resume, not \"" + args[1] + "\"");
  }
  if (!pause && o.reason) throw CliError(kExitUsage, "--reason goes with node pause only");
  const auto body = object_body([&](Writer& w) {
    w.Key("is_paused");
    w.Bool(pause);
    if (o.reason) {
      w.Key("pause_reason");
      w.String(*o.reason);
    }
  });
  const auto id = id_arg(args[2]);
  print(client.call("PATCH", "/v6/nodes/" + id + "/", body), o, out, [&](const auto& node) {
    out << "Node " << id << " (" << field(node, "hostname") << ") "
        << (pause ? "paused" : "resumed") << ".\n";
  });
}

}  // namespace

void run_command(const Args& args, const Options& o, ApiClient& client, std::ostream& out) {
  if (args.empty()) throw CliError(kExitUsage, "no command given (try --help)");
  const std::string& name = args[0];
  using Command = std::function<void()>;
  const std::map<std::string, std::pair<size_t, Command>> simple = {
      {"status", {1, [&] { show_status(client, o, out); }}},
      {"leader", {1, [&] { show_leader(client, o, out); }}},
      {"pause", {1, [&] { set_paused(client, o, out, true); }}},
      {"resume", {1, [&] { set_paused(client, o, out, false); }}},
      {"submit", {1, [&] { submit(client, o, out); }}},
      {"jobs", {1, [&] { list_jobs(client, o, out); }}},
      {"nodes", {1, [&] { list_nodes(client, o, out); }}},
      {"job",
       {2,
        [&] {
          const auto answer = client.call("GET", "/v6/jobs/" + id_arg(args[1]) + "/");
          print(answer, o, out, [&](const auto& job) { print_job(job, out); });
        }}},
      {"cancel", {2, [&] { cancel(client, o, out, id_arg(args[1])); }}},
  };
  if (name == "node") return node_pause(client, o, out, args);
  const auto it = simple.find(name);
  if (it == simple.end())
    throw CliError(kExitUsage, "unknown command \"" + name + "\" (try --help)");
  expect_args(args, it->second.first, name + (it->second.first == 2 ? " ID" : ""));
  it->second.second();
}

}  // namespace scale::scalectl
