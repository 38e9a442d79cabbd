#pragma once

// Properties every REST input parser must keep, whatever the body or query string: a refusal
// carries a detail that is safe to send back, and what is accepted can be stored as it is.

#include <rapidjson/document.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "api/json_response.h"
#include "tests/fuzz/fuzz_support.h"

namespace scale::fuzz {

// A detail is echoed to any client: one hostile request must not make the answer large, nor turn
// it into invalid JSON or invalid UTF-8 (api/json_response.h promises both).
inline constexpr size_t kMaxDetailBytes = 512;

inline void check_error_detail(const std::string& detail) {
  FUZZ_CHECK(!detail.empty(), "a refusal without a detail");
  FUZZ_CHECK(detail.size() <= kMaxDetailBytes,
             "detail of " + std::to_string(detail.size()) + " bytes: " + detail.substr(0, 200));
  const api::Response response = api::error_response(400, detail);
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(response.body.data(), response.body.size());
  FUZZ_CHECK(!doc.HasParseError() && doc.IsObject(), "error body is not JSON: " + response.body);
  const auto it = doc.FindMember("detail");
  FUZZ_CHECK(it != doc.MemberEnd() && it->value.IsString() &&
                 std::string_view(it->value.GetString(), it->value.GetStringLength()) == detail,
             "detail did not survive the error body: " + response.body);
}

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates (U+D800..DFFF), nothing above
// U+10FFFF. What PostgreSQL's UTF8 encoding and every JSON client require.
inline bool valid_utf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    size_t length = 0;
    uint32_t code = 0;
    uint32_t minimum = 0;
    if (lead < 0x80) {
      ++i;
      continue;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2, code = lead & 0x1F, minimum = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3, code = lead & 0x0F, minimum = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4, code = lead & 0x07, minimum = 0x10000;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      if ((byte(i + k) & 0xC0) != 0x80) return false;
      code = (code << 6) | (byte(i + k) & 0x3F);
    }
    if (code < minimum || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    i += length;
  }
  return true;
}

// Text that can be stored as it was accepted and shown again: libpq passes text parameters as C
// strings (db/connection.cpp gives no lengths), so a NUL byte would silently cut the value; the
// database is UTF8 and refuses anything else (which the API would answer with a 503), and the
// text comes back in JSON answers.
inline bool storable_text(std::string_view text) {
  return text.find('\0') == std::string_view::npos && valid_utf8(text);
}

}  // namespace scale::fuzz
