// scalectl: the operator's command line for a Scale Scheduler cluster, over its REST API.
// Exit codes: 0 ok, 1 the server refused (4xx/5xx), 2 usage error, 3 server unreachable.
#include <gflags/gflags.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "tools/scalectl/api_client.h"
#include "tools/scalectl/arguments.h"
#include "tools/scalectl/cli_error.h"
#include "tools/scalectl/commands.h"

DEFINE_string(url, "http://127.0.0.1:21080",
              "API base URL: the HAProxy read frontend of tools/cluster by default; any replica "
              "accepts writes");
DEFINE_string(token_file, "", "file holding the API token, sent as Authorization: Bearer");
DEFINE_string(ca_file, "",
              "https: PEM file of the CA (or self-signed certificate) to trust besides the "
              "system's");
DEFINE_bool(insecure, false, "https: do not verify the server's certificate (testing only)");
DEFINE_bool(json, false, "print the server's JSON answer instead of a table");
DEFINE_int32(timeout_ms, 10000, "how long to wait for an answer");
DEFINE_string(name, "", "submit: job name");
DEFINE_string(command, "", "submit: shell command");
DEFINE_double(cpus, 0, "submit: cpus");
DEFINE_double(mem, 0, "submit: memory in MiB");
DEFINE_double(disk, 0, "submit: disk in MiB");
DEFINE_double(gpus, 0, "submit: gpus");
DEFINE_int32(priority, 100, "submit: priority (lower runs first)");
DEFINE_int32(max_tries, 3, "submit: attempts before the job fails");
DEFINE_string(status, "", "jobs: only these statuses (comma separated)");
DEFINE_int64(page, 1, "jobs: page number");
DEFINE_string(reason, "", "node pause: why");

namespace scale::scalectl {
namespace {

template <typename T>
std::optional<T> if_set(const char* flag, T value) {
  if (gflags::GetCommandLineFlagInfoOrDie(flag).is_default) return std::nullopt;
  return value;
}

Options options_from_flags() {
  Options o;
  o.json = FLAGS_json;
  o.name = if_set("name", FLAGS_name);
  o.command = if_set("command", FLAGS_command);
  o.cpus = if_set("cpus", FLAGS_cpus);
  o.mem = if_set("mem", FLAGS_mem);
  o.disk = if_set("disk", FLAGS_disk);
  o.gpus = if_set("gpus", FLAGS_gpus);
  o.priority = if_set("priority", FLAGS_priority);
  o.max_tries = if_set("max_tries", FLAGS_max_tries);
  o.status = FLAGS_status;
  o.page = if_set("page", static_cast<long long>(FLAGS_page));
  if (o.page && *o.page < 1) throw CliError(kExitUsage, "--page must be >= 1");
  o.reason = if_set("reason", FLAGS_reason);
  return o;
}

// The token, whitespace trimmed. Its text never appears in any message.
std::optional<std::string> read_token() {
  if (FLAGS_token_file.empty()) return std::nullopt;
  std::ifstream file(FLAGS_token_file);
  std::stringstream text;
  text << file.rdbuf();
  if (!file) throw CliError(kExitUsage, "cannot read --token-file " + FLAGS_token_file);
  std::string token = text.str();
  const auto first = token.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) {
    throw CliError(kExitUsage, "--token-file " + FLAGS_token_file + " is empty");
  }
  token = token.substr(first, token.find_last_not_of(" \t\r\n") - first + 1);
  return token;
}

int run(int argc, char** argv) {
  bool help = false;
  const auto args = parse_arguments(argc, argv, help);
  if (help) {
    std::cout << help_text();
    return kExitOk;
  }
  const Options options = options_from_flags();
  if (FLAGS_timeout_ms <= 0) throw CliError(kExitUsage, "--timeout_ms must be > 0");
  if (FLAGS_insecure && !FLAGS_ca_file.empty()) {
    throw CliError(kExitUsage, "--ca-file and --insecure exclude each other");
  }
  ApiClient client(FLAGS_url, read_token(), std::chrono::milliseconds(FLAGS_timeout_ms),
                   TlsChoice{FLAGS_ca_file, FLAGS_insecure});
  run_command(args, options, client, std::cout);
  return kExitOk;
}

}  // namespace
}  // namespace scale::scalectl

int main(int argc, char** argv) {
  // Flags are parsed by parse_arguments, not gflags::ParseCommandLineFlags, so that every usage
  // error exits with kExitUsage.
  try {
    return scale::scalectl::run(argc, argv);
  } catch (const scale::scalectl::CliError& e) {
    std::cerr << "scalectl: " << e.what() << std::endl;
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cerr << "scalectl: " << e.what() << std::endl;
    return scale::scalectl::kExitHttpError;
  }
}
