#pragma once

#include <string>

#include "api/http_types.h"

// GET /v6/version/ and GET /ping: answered without the database.
namespace scale::api {

Response version_response(const std::string& version);
Response ping_response();

}  // namespace scale::api
