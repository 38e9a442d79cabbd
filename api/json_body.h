#pragma once

#include <rapidjson/document.h>

#include <string>
#include <string_view>

// Parsing of request bodies that must be one JSON object (POST /v6/jobs/, PATCH /v6/nodes/{id}/).
namespace scale::api {

// Parses `body` into `doc` and checks that it is an object without repeated keys. Returns "" when
// it is, else the 400 detail (malformed JSON with its offset, not an object, repeated key).
// Iterative and encoding-validating: deep nesting cannot overflow the stack, and keys echoed in
// details are valid UTF-8.
std::string parse_json_object(std::string_view body, rapidjson::Document& doc);

// The 400 detail for a field the endpoint does not know.
std::string unknown_field(std::string_view key, std::string_view allowed);

}  // namespace scale::api
