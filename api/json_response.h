#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "api/http_types.h"

// The one way the API builds JSON answers and {"detail": "..."} errors.
namespace scale::api {

Response json_response(int status, std::string body);

// {"detail": detail} with `status`. detail is escaped; callers pass sanitize()d client input.
Response error_response(int status, std::string_view detail);

// Client-supplied text safe to echo in a detail: printable ASCII only (others become '?'),
// cut at max_len with "..." so a hostile request cannot make an answer large or invalid UTF-8.
std::string sanitize(std::string_view text, std::size_t max_len = 100);

}  // namespace scale::api
