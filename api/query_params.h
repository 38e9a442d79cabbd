#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// The query string of a request ("page=2&status=QUEUED"), decoded. Pure: no server involved.
namespace scale::api {

class QueryParams {
 public:
  // Splits on '&' and '=', decodes %XX and '+' (space). A malformed escape is kept as typed,
  // which later fails the value's own validation rather than being silently dropped.
  explicit QueryParams(std::string_view query);

  // Every value of `name`, in order ("status=A&status=B" gives both).
  std::vector<std::string> all(std::string_view name) const;
  // The last value of `name` (as Django's QueryDict.get), or nullopt.
  std::optional<std::string> last(std::string_view name) const;

  // Encodes a value for a query string (RFC 3986 unreserved characters kept).
  static std::string encode(std::string_view value);

 private:
  std::vector<std::pair<std::string, std::string>> pairs_;
};

}  // namespace scale::api
