#pragma once

#include <stdexcept>
#include <string>

namespace scale::scalectl {

// Exit codes of scalectl, for scripts.
inline constexpr int kExitOk = 0;
inline constexpr int kExitHttpError = 1;    // the server answered 4xx/5xx
inline constexpr int kExitUsage = 2;        // bad command line or token file
inline constexpr int kExitUnreachable = 3;  // no HTTP answer at all

// Any failure of a command: main() prints "scalectl: <what>" on stderr and exits with exit_code.
class CliError : public std::runtime_error {
 public:
  CliError(int exit_code, const std::string& message)
      : std::runtime_error(message), exit_code_(exit_code) {}
  int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

}  // namespace scale::scalectl
