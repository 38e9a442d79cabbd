#include "api/sandbox_link.h"

namespace scale::api {
namespace {

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// Ids are Mesos ids (letters, digits, '-', '_', '.'), but nothing here trusts that.
std::string encode(std::string_view id) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : id) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_' || c == '.';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> mesos_ui_base(std::string_view configured, std::string_view master) {
  std::string_view base = configured;
  if (base.empty()) {
    if (!starts_with(master, "http://") && !starts_with(master, "https://")) return std::nullopt;
    base = master;
  }
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  if (base.empty()) return std::nullopt;
  return std::string(base);
}

std::optional<std::string> sandbox_url(std::string_view base, std::string_view agent_id,
                                       std::string_view framework_id,
                                       std::string_view executor_id) {
  if (agent_id.empty() || framework_id.empty() || executor_id.empty()) return std::nullopt;
  return std::string(base) + "/#/agents/" + encode(agent_id) + "/frameworks/" +
         encode(framework_id) + "/executors/" + encode(executor_id) + "/browse";
}

}  // namespace scale::api
