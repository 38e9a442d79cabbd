#include "api/router.h"

#include <stdexcept>

namespace scale::api {
namespace {

std::string_view without_trailing_slash(std::string_view path) {
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return path;
}

}  // namespace

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
  const auto wanted = without_trailing_slash(path);
  Match result;
  for (const auto& route : routes_) {
    if (without_trailing_slash(route.path) != wanted) continue;
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
