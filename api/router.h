#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_types.h"

namespace scale::api {

using Handler = std::function<Response(const Request&)>;

struct Route {
  std::string method;
  std::string path;         // canonical form, e.g. "/v6/status/"
  bool reads_body = false;  // only these routes get the request body read (and size-checked)
  Handler handler;
  // The handler waits on PostgreSQL: it runs on the server's worker threads, never on
  // cpprestsdk's shared pool (see api/worker_threads.h).
  bool uses_database = false;
};

// The method/path table of the API. Paths match exactly except for a trailing slash, which is
// optional on both sides ("/ping" and "/ping/", "/v6/status" and "/v6/status/" are one route), so
// clients that normalise URLs differently reach the same endpoint instead of a 404. A route
// segment "{name}" matches any one non-empty segment; the handler reads it with path_segment()
// and validates it (e.g. "/v6/jobs/{id}/"). A path some literal route matches is answered by the
// literal routes only ("/v6/jobs/cancel/" is never a job id).
class Router {
 public:
  enum class Outcome { Found, NotFound, MethodNotAllowed };
  struct Match {
    Outcome outcome = Outcome::NotFound;
    const Route* route = nullptr;  // set when Found
    std::string allow;             // "GET, PATCH" when MethodNotAllowed
  };

  void add(Route route);
  Match match(std::string_view method, std::string_view path) const;

 private:
  std::vector<Route> routes_;
};

// Segment `index` of `path` ("/v6/jobs/7/" has "v6", "jobs", "7"), "" when there is none.
std::string_view path_segment(std::string_view path, size_t index);

}  // namespace scale::api
