#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "api/http_types.h"
#include "api/query_params.h"

// Scale's (Django REST framework's) page-number pagination: `page` and `page_size` query
// parameters, answers {"count", "next", "previous", "results"}.
namespace scale::api {

inline constexpr int kDefaultPageSize = 100;  // Scale's default
inline constexpr int kMaxPageSize = 1000;     // larger requests are clamped, as in Scale

struct PageRequest {
  long long page = 1;
  int page_size = kDefaultPageSize;
};

struct PageRequestResult {
  std::optional<PageRequest> request;  // set when valid
  std::string error;                   // the 400 detail otherwise
};

// page: integer >= 1 (default 1); page_size: integer >= 1 (default 100, at most 1000).
PageRequestResult parse_page_request(const QueryParams& params);

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// The answer for one page of `count` items: 404 {"detail": "Invalid page."} when the page is past
// the last one (page 1 always exists), else 200 with next/previous as links relative to the
// server ("/v6/jobs/?page=3&page_size=100" plus `filter`, an encoded "&name=value..." suffix) or
// null. write_results writes the items of the "results" array.
Response page_response(std::string_view path, std::string_view filter, const PageRequest& page,
                       long long count, const std::function<void(JsonWriter&)>& write_results);

// Writes a JSON string, or null for nullopt.
void write_optional(JsonWriter& writer, const std::optional<std::string>& value);

}  // namespace scale::api
