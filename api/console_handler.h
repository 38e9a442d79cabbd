#pragma once

#include <string_view>

#include "api/console_assets.h"
#include "api/http_types.h"

// GET /ui/ and its assets, and GET / (a redirect there): the operator's console, served by every
// replica from the bytes embedded at build time. The page itself holds no data: it reads the REST
// API from the browser with relative URLs, so it works on any replica and behind HAProxy.
namespace scale::api {

// The Content-Security-Policy of every console answer: scripts, styles, images and API calls from
// this origin only; no inline script or style, no framing, no form posting elsewhere.
std::string_view console_content_security_policy();

// text/html, text/css, text/javascript, image/svg+xml ... (with charset for text); by extension.
std::string_view console_content_type(std::string_view name);

// The asset `name` of `assets` with its content type, CSP and an ETag (304 when `if_none_match`
// names it); 404 {"detail"} when there is no such asset.
Response console_asset_response(const std::vector<ConsoleAsset>& assets, std::string_view name,
                                std::string_view if_none_match);

// 302 to "ui/", relative, so it resolves under whatever prefix the browser used. Also the answer
// to "/ui" without its slash, where the page's relative URLs would otherwise miss the folder.
Response console_redirect();

// The handlers of the routes "/", "/ui/" and "/ui/{asset}" (api/routes.cpp).
Response get_console_root(const Request& request);
Response get_console_index(const Request& request);
Response get_console_asset(const Request& request);

}  // namespace scale::api
