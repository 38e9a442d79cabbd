#include "api/console_handler.h"

#include <cstdint>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "api/json_response.h"
#include "api/router.h"

namespace scale::api {
namespace {

constexpr std::string_view kIndex = "index.html";

// A validator that changes with the bytes, so a browser revalidates (Cache-Control: no-cache)
// and gets 304 for what it has: an upgraded replica serves its new console at once, and the
// 200 KB chart library is not sent again on every visit. FNV-1a: no security role here.
std::string etag_of(std::string_view content) {
  uint64_t hash = 14695981039346656037ull;
  for (const char c : content) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  char text[24];
  std::snprintf(text, sizeof text, "\"%016llx\"", static_cast<unsigned long long>(hash));
  return text;
}

// ETags of the embedded assets, computed once per asset (the bytes never change at run time).
const std::string& cached_etag(std::string_view content) {
  static std::mutex mutex;
  static std::map<std::pair<const char*, size_t>, std::string> etags;
  std::lock_guard lock(mutex);
  auto [it, added] = etags.try_emplace({content.data(), content.size()});
  if (added) it->second = etag_of(content);
  return it->second;
}

// If-None-Match is a list of entity tags or "*"; weak tags (W/"...") match too for GET.
bool etag_matches(std::string_view if_none_match, const std::string& etag) {
  if (if_none_match.find('*') != std::string_view::npos) return !if_none_match.empty();
  return if_none_match.find(etag) != std::string_view::npos;
}

void add_console_headers(Response& response) {
  response.headers.emplace_back("Content-Security-Policy",
                                std::string(console_content_security_policy()));
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("X-Frame-Options", "DENY");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  response.headers.emplace_back("Cache-Control", "no-cache");
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

std::string_view console_content_security_policy() {
  return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
         "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
}

std::string_view console_content_type(std::string_view name) {
  if (ends_with(name, ".html")) return "text/html; charset=utf-8";
  if (ends_with(name, ".css")) return "text/css; charset=utf-8";
  if (ends_with(name, ".js")) return "text/javascript; charset=utf-8";
  if (ends_with(name, ".svg")) return "image/svg+xml";
  if (ends_with(name, ".json")) return "application/json";
  if (ends_with(name, ".txt")) return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

Response console_asset_response(const std::vector<ConsoleAsset>& assets, std::string_view name,
                                std::string_view if_none_match) {
  for (const auto& asset : assets) {
    if (asset.name != name) continue;
    const std::string& etag = cached_etag(asset.content);
    Response response;
    if (!if_none_match.empty() && etag_matches(if_none_match, etag)) {
      response.status = 304;
    } else {
      response.status = 200;
      response.body.assign(asset.content);
    }
    response.content_type = std::string(console_content_type(asset.name));
    response.headers.emplace_back("ETag", etag);
    add_console_headers(response);
    return response;
  }
  return error_response(404, "no console asset named " + sanitize(name));
}

Response console_redirect() {
  Response response = json_response(302, R"({"detail":"the console is at ui/"})");
  response.headers.emplace_back("Location", "ui/");
  return response;
}

Response get_console_root(const Request&) {
  return console_redirect();
}

Response get_console_index(const Request& request) {
  // "/ui" and "/ui/" share the route; only the latter is a folder the page's URLs resolve in.
  if (request.path.empty() || request.path.back() != '/') return console_redirect();
  return console_asset_response(console_assets(), kIndex, request.if_none_match);
}

Response get_console_asset(const Request& request) {
  return console_asset_response(console_assets(), path_segment(request.path, 1),
                                request.if_none_match);
}

}  // namespace scale::api
