// The generic body reader (api/json_body.*) and the text it echoes (api/json_response.* sanitize).
// Whatever the body:
// - parse_json_object accepts exactly the JSON objects without a repeated top-level key and whose
//   strings are all valid UTF-8 (the header promises an encoding-validating parse), as RapidJSON's
//   own recursive parser judges them, and otherwise gives a safe 400 detail; deep nesting cannot
//   overflow the stack (the parser is iterative);
// - unknown_field() and sanitize() turn any key or text into a short printable-ASCII detail, and
//   leave short printable text as it was.

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "api/json_body.h"
#include "api/json_response.h"
#include "tests/fuzz/rest_checks.h"

namespace {

bool printable_ascii(std::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c >= 0x7f) return false;
  }
  return true;
}

// Every string of `value`, keys included, is strict UTF-8. Recursive: only for shallow input.
bool strings_valid(const rapidjson::Value& value) {
  if (value.IsString()) {
    return scale::fuzz::valid_utf8({value.GetString(), value.GetStringLength()});
  }
  if (value.IsArray()) {
    for (const auto& item : value.GetArray()) {
      if (!strings_valid(item)) return false;
    }
  }
  if (value.IsObject()) {
    for (const auto& m : value.GetObject()) {
      if (!strings_valid(m.name) || !strings_valid(m.value)) return false;
    }
  }
  return true;
}

// The same judgement made another way: RapidJSON's default (recursive) parser with encoding
// validation, a key-by-key check, and every decoded string strict UTF-8 (RapidJSON 1.1 turns a
// lone "\udc00" escape into surrogate bytes, which no UTF-8 reader accepts). Run only on shallow
// input, where recursion is safe.
bool reference_accepts(std::string_view body) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject() || !strings_valid(doc)) return false;
  std::set<std::string> keys;
  for (const auto& m : doc.GetObject()) {
    if (!keys.emplace(m.name.GetString(), m.name.GetStringLength()).second) return false;
  }
  return true;
}

size_t nesting_bound(std::string_view body) {
  size_t open = 0;
  for (char c : body) open += c == '[' || c == '{';
  return open;
}

void check_sanitize(std::string_view text, size_t max_len) {
  const std::string out = scale::api::sanitize(text, max_len);
  FUZZ_CHECK(printable_ascii(out), "sanitize() let a non-printable byte through");
  FUZZ_CHECK(out.size() <= max_len + 3, "sanitize() output longer than max_len + \"...\"");
  if (text.size() <= max_len && printable_ascii(text)) {
    FUZZ_CHECK(out == text, "sanitize() changed short printable text");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body = scale::fuzz::as_text(data, size);
  rapidjson::Document doc;
  const std::string error = scale::api::parse_json_object(body, doc);
  if (error.empty()) {
    FUZZ_CHECK(doc.IsObject(), "accepted something that is not an object");
    std::set<std::string> keys;
    for (const auto& m : doc.GetObject()) {
      FUZZ_CHECK(keys.emplace(m.name.GetString(), m.name.GetStringLength()).second,
                 "accepted a repeated key");
      scale::fuzz::check_error_detail(
          scale::api::unknown_field({m.name.GetString(), m.name.GetStringLength()}, "a, b"));
    }
  } else {
    scale::fuzz::check_error_detail(error);
  }
  if (nesting_bound(body) < 1000) {
    FUZZ_CHECK(reference_accepts(body) == error.empty(),
               "iterative and recursive parsing disagree; parse_json_object said: " + error);
  }

  scale::fuzz::check_error_detail(scale::api::unknown_field(body, "x"));
  check_sanitize(body, 100);
  check_sanitize(body, size % 7);
  return 0;
}
