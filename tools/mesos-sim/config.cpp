#include "config.h"

#include <charconv>
#include <cmath>
#include <sstream>
#include <vector>

namespace mesos_sim {
namespace {

constexpr double kEpsilon = 1e-9;

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, sep)) parts.push_back(part);
  return parts;
}

bool parse_int(const std::string& text, long long* out) {
  if (text.empty()) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

bool parse_double(const std::string& text, double* out) {
  if (text.empty()) return false;
  size_t used = 0;
  try {
    *out = std::stod(text, &used);
  } catch (...) {
    return false;
  }
  return used == text.size() && std::isfinite(*out);
}

}  // namespace

bool Resources::contains(const Resources& r) const {
  return r.cpus <= cpus + kEpsilon && r.mem <= mem + kEpsilon && r.disk <= disk + kEpsilon &&
         r.gpus <= gpus + kEpsilon;
}

Resources& Resources::operator+=(const Resources& r) {
  cpus += r.cpus, mem += r.mem, disk += r.disk, gpus += r.gpus;
  return *this;
}

Resources& Resources::operator-=(const Resources& r) {
  cpus -= r.cpus, mem -= r.mem, disk -= r.disk, gpus -= r.gpus;
  return *this;
}

std::optional<HostPort> parse_host_port(const std::string& text, std::string* error) {
  auto colon = text.rfind(':');
  long long port = 0;
  if (colon == std::string::npos || colon == 0 || !parse_int(text.substr(colon + 1), &port) ||
      port <= 0 || port > 65535) {
    *error = "expected host:port with a port in 1..65535, got '" + text + "'";
    return std::nullopt;
  }
  return HostPort{text.substr(0, colon), static_cast<uint16_t>(port)};
}

std::optional<ZkUrl> parse_zk_url(const std::string& text, std::string* error) {
  const std::string scheme = "zk://";
  auto slash = text.find('/', scheme.size());
  if (text.rfind(scheme, 0) != 0 || slash == std::string::npos || slash == scheme.size() ||
      slash + 1 >= text.size()) {
    *error = "expected zk://host:port[,host:port]/path, got '" + text + "'";
    return std::nullopt;
  }
  std::string hosts = text.substr(scheme.size(), slash - scheme.size());
  if (auto at = hosts.rfind('@'); at != std::string::npos) hosts = hosts.substr(at + 1);
  std::string path = text.substr(slash);
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  for (const auto& host : split(hosts, ',')) {
    if (!parse_host_port(host, error)) return std::nullopt;
  }
  return ZkUrl{hosts, path};
}

std::optional<Resources> parse_resources(const std::string& text, std::string* error) {
  Resources r;
  for (const auto& item : split(text, ';')) {
    if (item.empty()) continue;
    auto colon = item.find(':');
    double value = 0;
    if (colon == std::string::npos || !parse_double(item.substr(colon + 1), &value) || value < 0) {
      *error = "expected name:value;... with non-negative values, got '" + item + "'";
      return std::nullopt;
    }
    const std::string name = item.substr(0, colon);
    if (name == "cpus") {
      r.cpus = value;
    } else if (name == "mem") {
      r.mem = value;
    } else if (name == "disk") {
      r.disk = value;
    } else if (name == "gpus") {
      r.gpus = value;
    } else {
      *error = "unknown resource '" + name + "' (cpus, mem, disk, gpus)";
      return std::nullopt;
    }
  }
  if (r.empty()) {
    *error = "agent resources must not all be zero";
    return std::nullopt;
  }
  return r;
}

std::vector<std::string> parse_list(const std::string& text) {
  std::vector<std::string> items;
  for (auto& item : split(text, ',')) {
    if (!item.empty()) items.push_back(std::move(item));
  }
  return items;
}

bool parse_task_ms(const std::string& text, int* min_ms, int* max_ms, std::string* error) {
  auto dash = text.find('-');
  long long lo = 0, hi = 0;
  bool ok = dash == std::string::npos
                ? parse_int(text, &lo) && (hi = lo, true)
                : parse_int(text.substr(0, dash), &lo) && parse_int(text.substr(dash + 1), &hi);
  if (!ok || lo < 0 || hi < lo || hi > 86400000) {
    *error = "expected MS or MIN-MAX milliseconds (0 <= MIN <= MAX), got '" + text + "'";
    return false;
  }
  *min_ms = static_cast<int>(lo);
  *max_ms = static_cast<int>(hi);
  return true;
}

}  // namespace mesos_sim
