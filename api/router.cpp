#include "api/router.h"

#include <stdexcept>
#include <vector>

namespace scale::api {
namespace {

std::string_view without_trailing_slash(std::string_view path) {
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return path;
}

// Splits "/a/b/" into "a", "b"; an empty segment ("//") is kept so it never matches "{name}".
std::vector<std::string_view> segments(std::string_view path) {
  path = without_trailing_slash(path);
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    const auto slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
    if (path.empty()) parts.emplace_back();  // the path ended in "//"
  }
  return parts;
}

bool is_parameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

bool path_matches(std::string_view route_path, std::string_view path) {
  if (route_path.find('{') == std::string_view::npos) {
    return without_trailing_slash(route_path) == without_trailing_slash(path);
  }
  const auto pattern = segments(route_path);
  const auto actual = segments(path);
  if (pattern.size() != actual.size()) return false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (is_parameter(pattern[i]) ? actual[i].empty() : pattern[i] != actual[i]) return false;
  }
  return true;
}

}  // namespace

std::string_view path_segment(std::string_view path, size_t index) {
  const auto parts = segments(path);
  return index < parts.size() ? parts[index] : std::string_view();
}

void Router::add(Route route) {
  for (const auto& existing : routes_) {
    if (existing.method == route.method &&
        without_trailing_slash(existing.path) == without_trailing_slash(route.path)) {
      throw std::logic_error("duplicate route " + route.method + " " + route.path);
    }
  }
  routes_.push_back(std::move(route));
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  // A literal path wins over a pattern: GET /v6/jobs/cancel/ is 405 (POST only), not a job id.
  bool literal = false;
  for (const auto& route : routes_) {
    if (route.path.find('{') == std::string::npos && path_matches(route.path, path)) literal = true;
  }
  Match result;
  for (const auto& route : routes_) {
    if (literal && route.path.find('{') != std::string::npos) continue;
    if (!path_matches(route.path, path)) continue;
    if (route.method == method) {
      result.outcome = Outcome::Found;
      result.route = &route;
      result.allow.clear();
      return result;
    }
    result.outcome = Outcome::MethodNotAllowed;
    result.allow += (result.allow.empty() ? "" : ", ") + route.method;
  }
  return result;
}

}  // namespace scale::api
