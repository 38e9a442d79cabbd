#include "request_rules.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <sstream>

namespace mesos_sim {
namespace {

constexpr const char* kJson = "application/json";
constexpr const char* kProtobuf = "application/x-protobuf";

std::string trim_lower(std::string text) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  text.erase(text.begin(), std::find_if(text.begin(), text.end(), not_space));
  text.erase(std::find_if(text.rbegin(), text.rend(), not_space).base(), text.end());
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// The media type without parameters, lower-cased.
std::string media_type(const std::string& value) {
  return trim_lower(value.substr(0, value.find(';')));
}

// "application/json;q=0" explicitly refuses JSON.
bool zero_quality(const std::string& range) {
  std::string lower = trim_lower(range);
  auto q = lower.find(";q=");
  if (q == std::string::npos) q = lower.find("; q=");
  if (q == std::string::npos) return false;
  return std::strtod(lower.c_str() + lower.find('=', q) + 1, nullptr) <= 0;
}

}  // namespace

bool accepts_json(const std::optional<std::string>& accept) {
  if (!accept || trim_lower(*accept).empty()) return true;
  std::istringstream in(*accept);
  std::string range;
  while (std::getline(in, range, ',')) {
    std::string type = media_type(range);
    if ((type == kJson || type == "application/*" || type == "*/*") && !zero_quality(range)) {
      return true;
    }
  }
  return false;
}

std::optional<Reply> check_before_body(const RequestHead& head, bool strict) {
  if (head.method != "POST") {
    return Reply{405, "405 Method Not Allowed. Expecting one of { 'POST' }, but received '" +
                          head.method + "'."};
  }
  if (!head.content_type) return Reply{400, "Expecting 'Content-Type' to be present"};
  const std::string& ct = *head.content_type;
  bool json = strict ? ct == kJson : media_type(ct) == kJson;
  bool protobuf = strict ? ct == kProtobuf : media_type(ct) == kProtobuf;
  if (json) return std::nullopt;
  if (protobuf)
    return Reply{415, "mesos-sim speaks JSON only: 'application/x-protobuf' is not supported"};
  return Reply{415, "Expecting 'Content-Type' of application/json or application/x-protobuf"};
}

std::optional<Reply> check_subscribe(const RequestHead& head, const Call& call) {
  const FrameworkInfo& info = call.framework_info;
  if (head.principal && info.principal_set && info.principal != *head.principal) {
    return Reply{400, "Failed to validate scheduler::Call: Authenticated principal '" +
                          *head.principal + "' does not match principal '" + info.principal +
                          "' set in `FrameworkInfo`"};
  }
  if (!accepts_json(head.accept)) {
    return Reply{406, "Expecting 'Accept' to allow 'application/x-protobuf' or 'application/json'"};
  }
  if (head.stream_id) {
    return Reply{400, "Subscribe calls should not include the 'Mesos-Stream-Id' header"};
  }
  return std::nullopt;
}

}  // namespace mesos_sim
