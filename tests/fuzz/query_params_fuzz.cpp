// The request target of a GET: path and query string (api/router.*, api/path_id.h,
// api/query_params.*, api/pagination.*). The input is one target, "/v6/jobs/?page=2&status=X".
// Whatever it is:
// - routing finds a route only for a path ("/...") that is that route modulo the trailing slash,
//   and a path id is a positive integer or nothing;
// - QueryParams::last() is the last of all(); encode() then decoding gives the text back;
// - parse_page_request gives a page in 1..2^40 and a size in 1..kMaxPageSize, or a safe detail;
// - every page answer for that request is valid JSON (200) or "Invalid page." (404), and its
//   next/previous links carry the neighbouring page, the same size and the filter unchanged.

#include <rapidjson/document.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "api/pagination.h"
#include "api/path_id.h"
#include "api/query_params.h"
#include "api/router.h"
#include "tests/fuzz/rest_checks.h"

namespace {

using scale::api::PageRequest;
using scale::api::QueryParams;

const scale::api::Router& router() {
  static const scale::api::Router table = [] {
    scale::api::Router r;
    for (const char* path : {"/v6/jobs/", "/v6/jobs/{id}/", "/v6/jobs/{id}/cancel/", "/v6/nodes/",
                             "/v6/nodes/{id}/", "/v6/status/", "/ping"}) {
      r.add(
          {"GET", path, false, [](const scale::api::Request&) { return scale::api::Response{}; }});
    }
    return r;
  }();
  return table;
}

std::string without_trailing_slash(std::string_view path) {
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  return std::string(path);
}

// Does `path` match route `pattern` segment by segment ("{id}" = any non-empty segment)?
bool matches(std::string_view pattern, std::string_view path) {
  const std::string p = without_trailing_slash(pattern);
  const std::string q = without_trailing_slash(path);
  size_t i = 0;
  size_t j = 0;
  while (i <= p.size() && j <= q.size()) {
    const size_t pe = std::min(p.find('/', i), p.size());
    const size_t qe = std::min(q.find('/', j), q.size());
    const std::string_view ps(p.data() + i, pe - i);
    const std::string_view qs(q.data() + j, qe - j);
    if (ps == "{id}" ? qs.empty() : ps != qs) return false;
    if ((pe == p.size()) != (qe == q.size())) return false;
    if (pe == p.size()) return true;
    i = pe + 1;
    j = qe + 1;
  }
  return false;
}

void check_route(std::string_view path) {
  const auto match = router().match("GET", path);
  // The server hands over origin-form paths, which start with '/'. (Without it the router is
  // lenient: "v6/jobs/4" reaches /v6/jobs/{id}/, harmless as no request has such a path.)
  if (!path.starts_with('/')) return;
  if (match.outcome == scale::api::Router::Outcome::Found) {
    FUZZ_CHECK(match.route && matches(match.route->path, path),
               "\"" + std::string(path) + "\" routed to " + match.route->path);
    if (match.route->path.find("{id}") != std::string::npos) {
      const auto id = scale::api::path_id(scale::api::Request{"GET", std::string(path), "", ""}, 2);
      FUZZ_CHECK(!id || *id >= 1, "a path id below 1");
    }
  }
}

void check_link(const rapidjson::Value& link, long long page, int size, std::string_view filter,
                const std::string& body) {
  FUZZ_CHECK(link.IsString(), "link is not a string: " + body);
  const std::string_view text(link.GetString(), link.GetStringLength());
  const auto query_start = text.find('?');
  FUZZ_CHECK(query_start != std::string_view::npos, "link without a query: " + body);
  const QueryParams params(text.substr(query_start + 1));
  FUZZ_CHECK(params.last("page") == std::to_string(page), "link to the wrong page: " + body);
  FUZZ_CHECK(params.last("page_size") == std::to_string(size), "link with another size: " + body);
  const QueryParams expected_filter(filter);
  FUZZ_CHECK(params.all("status") == expected_filter.all("status"),
             "link lost the filter: " + body);
}

void check_page(const PageRequest& page, long long count, std::string_view filter) {
  const auto response = scale::api::page_response("/v6/jobs/", filter, page, count,
                                                  [](scale::api::JsonWriter& w) { w.Int(1); });
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(response.body.data(), response.body.size());
  FUZZ_CHECK(!doc.HasParseError() && doc.IsObject(), "page body is not JSON: " + response.body);
  const long long first = (page.page - 1) * page.page_size;
  if (response.status == 404) {
    FUZZ_CHECK(page.page > 1 && first >= count, "404 for an existing page: " + response.body);
    return;
  }
  FUZZ_CHECK(response.status == 200, "page answered " + std::to_string(response.status));
  FUZZ_CHECK(doc["count"].GetInt64() == count, "wrong count: " + response.body);
  if (doc["next"].IsNull()) {
    FUZZ_CHECK(first + page.page_size >= count, "no next link before the last page");
  } else {
    check_link(doc["next"], page.page + 1, page.page_size, filter, response.body);
  }
  if (doc["previous"].IsNull()) {
    FUZZ_CHECK(page.page == 1, "no previous link after page 1");
  } else {
    check_link(doc["previous"], page.page - 1, page.page_size, filter, response.body);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view target = scale::fuzz::as_text(data, size);
  const size_t question = target.find('?');
  const std::string_view path = target.substr(0, question);
  const std::string_view query =
      question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
  check_route(path);

  const QueryParams params(query);
  for (const char* name : {"page", "page_size", "status"}) {
    const auto all = params.all(name);
    FUZZ_CHECK(params.last(name) == (all.empty() ? std::nullopt : std::optional(all.back())),
               "last() is not the last of all()");
  }
  const std::string encoded = QueryParams::encode(target);
  FUZZ_CHECK(QueryParams("v=" + encoded).last("v") == std::string(target), "encode() lost text");

  const auto result = scale::api::parse_page_request(params);
  FUZZ_CHECK(result.request.has_value() == result.error.empty(), "both or neither");
  if (!result.request) {
    scale::fuzz::check_error_detail(result.error);
    return 0;
  }
  const PageRequest page = *result.request;
  FUZZ_CHECK(page.page >= 1 && page.page <= (1LL << 40), "page out of range");
  FUZZ_CHECK(page.page_size >= 1 && page.page_size <= scale::api::kMaxPageSize,
             "size out of range");
  // The handlers build the filter from validated values: statuses, here any text, encoded.
  std::string filter;
  for (const auto& status : params.all("status"))
    filter += "&status=" + QueryParams::encode(status);
  const long long first = (page.page - 1) * page.page_size;
  for (long long count :
       {0LL, first, first + 1, first + page.page_size, first + page.page_size + 1, 1LL << 50}) {
    check_page(page, count, filter);
  }
  return 0;
}
