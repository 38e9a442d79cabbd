#pragma once

#include <charconv>
#include <optional>
#include <string_view>

#include "api/http_types.h"
#include "api/router.h"

namespace scale::api {

// The numeric id in segment `index` of the request path ("/v6/jobs/7/" has 7 at index 2), or
// nullopt when it is not a positive decimal integer; callers answer 404 then, as Scale's URL
// patterns (\d+) do.
inline std::optional<long long> path_id(const Request& request, size_t index) {
  const auto text = path_segment(request.path, index);
  long long id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || id < 1) {
    return std::nullopt;
  }
  return id;
}

}  // namespace scale::api
