#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "tools/scalectl/api_client.h"

// The commands of scalectl, each one HTTP call to the REST API (DESIGN.md section 6).
namespace scale::scalectl {

// What the flags say; nullopt for flags left at their defaults.
struct Options {
  bool json = false;  // print the server's JSON as it is
  std::optional<std::string> name;
  std::optional<std::string> command;
  std::optional<double> cpus;
  std::optional<double> mem;
  std::optional<double> disk;
  std::optional<double> gpus;
  std::optional<int> priority;
  std::optional<int> max_tries;
  std::string status;  // jobs: comma-separated filter
  std::optional<long long> page;
  std::optional<std::string> reason;  // node pause
};

// One line per command for --help and usage errors.
extern const char* const kUsage;

// Runs the command named by args[0] with its arguments; prints to out. Throws CliError.
void run_command(const std::vector<std::string>& args, const Options& options, ApiClient& client,
                 std::ostream& out);

// status and leader (status_view.cpp).
void show_status(ApiClient& client, const Options& options, std::ostream& out);
void show_leader(ApiClient& client, const Options& options, std::ostream& out);

}  // namespace scale::scalectl
