// The console's files as the replica serves them: content types, the Content-Security-Policy,
// ETags, 404 for unknown names, the redirects of "/" and "/ui", and that the embedded page keeps
// to its own rules (no inline script or style, no HTML parsing of values).
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <string>

#include "api/bearer_auth.h"
#include "api/console_handler.h"

namespace scale::api {
namespace {

Request get(std::string path, std::string if_none_match = "") {
  Request request;
  request.method = "GET";
  request.path = std::move(path);
  request.if_none_match = std::move(if_none_match);
  return request;
}

const std::vector<ConsoleAsset> kAssets = {{"index.html", "<!doctype html><p>hi</p>"},
                                           {"app.js", "console.log(1);"},
                                           {"console.css", "p{}"},
                                           {"favicon.svg", "<svg/>"}};

TEST(ConsoleAssets, ContentTypeFollowsTheExtension) {
  EXPECT_EQ(console_content_type("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(console_content_type("console.css"), "text/css; charset=utf-8");
  EXPECT_EQ(console_content_type("app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(console_content_type("chart.min.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(console_content_type("favicon.svg"), "image/svg+xml");
  EXPECT_EQ(console_content_type("blob"), "application/octet-stream");
}

TEST(ConsoleAssets, AnAssetCarriesItsTypeTheCspAndAnEtag) {
  const auto response = console_asset_response(kAssets, "app.js", "");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "console.log(1);");
  EXPECT_EQ(response.content_type, "text/javascript; charset=utf-8");
  const std::string csp = response.header("Content-Security-Policy");
  EXPECT_EQ(csp, console_content_security_policy());
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("style-src 'self'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos) << csp;
  EXPECT_EQ(response.header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(response.header("Cache-Control"), "no-cache");
  EXPECT_EQ(response.header("ETag").size(), 18u) << response.header("ETag");
}

TEST(ConsoleAssets, AMatchingEtagAnswers304WithoutABody) {
  const auto first = console_asset_response(kAssets, "console.css", "");
  const auto etag = first.header("ETag");
  const auto again = console_asset_response(kAssets, "console.css", etag);
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(again.header("ETag"), etag);
  EXPECT_EQ(console_asset_response(kAssets, "console.css", "\"other\"").status, 200);
  EXPECT_EQ(console_asset_response(kAssets, "console.css", "W/\"x\", " + etag).status, 304);
  // Different bytes, different tag.
  EXPECT_NE(console_asset_response(kAssets, "app.js", "").header("ETag"), etag);
}

TEST(ConsoleAssets, UnknownAssetIs404Json) {
  const auto response = console_asset_response(kAssets, "missing.js", "");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(response.body, R"({"detail":"no console asset named missing.js"})");
  EXPECT_EQ(get_console_asset(get("/ui/<script>.js")).status, 404);
}

TEST(ConsoleAssets, RootAndUiWithoutSlashRedirectRelativelyToUi) {
  for (const char* path : {"/", "/ui"}) {
    const auto response =
        std::string(path) == "/" ? get_console_root(get(path)) : get_console_index(get(path));
    EXPECT_EQ(response.status, 302) << path;
    // Relative: resolves to /ui/ from both, on any replica and behind any proxy.
    EXPECT_EQ(response.header("Location"), "ui/") << path;
    EXPECT_EQ(response.content_type, "application/json");
  }
}

TEST(ConsoleAssets, UiServesTheEmbeddedIndex) {
  const auto response = get_console_index(get("/ui/"));
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "text/html; charset=utf-8");
  EXPECT_NE(response.body.find("<title>Scale Scheduler console</title>"), std::string::npos);
  EXPECT_FALSE(response.header("Content-Security-Policy").empty());
  EXPECT_EQ(get_console_asset(get("/ui/index.html")).body, response.body);
}

TEST(ConsoleAssets, EmbeddedFilesIncludeThePagesAndDebiansChartJs) {
  std::vector<std::string> names;
  for (const auto& asset : console_assets()) names.emplace_back(asset.name);
  for (const char* name :
       {"index.html", "console.css", "app.js", "lib.js", "charts.js", "overview.js", "failovers.js",
        "queue.js", "nodes.js", "jobs.js", "job.js", "favicon.svg", "chart.min.js"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
  const auto chart = get_console_asset(get("/ui/chart.min.js"));
  ASSERT_EQ(chart.status, 200);
  EXPECT_NE(chart.body.find("Chart.js v3."), std::string::npos);
  EXPECT_GT(chart.body.size(), 100000u);
}

// The CSP would block inline code anyway; the page must not need it, or it would break.
TEST(ConsoleAssets, IndexHasNoInlineScriptStyleOrHandlers) {
  const std::string html = std::string(get_console_index(get("/ui/")).body);
  const std::regex inline_script(R"(<script(?![^>]*\ssrc=)[^>]*>)");
  const std::regex inline_style(R"(<style|\sstyle=)");
  const std::regex handler(R"(\son[a-z]+=)");
  EXPECT_FALSE(std::regex_search(html, inline_script));
  EXPECT_FALSE(std::regex_search(html, inline_style));
  EXPECT_FALSE(std::regex_search(html, handler));
  // Relative URLs only: nothing from another host, nothing rooted at "/".
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("src=\"/"), std::string::npos);
  EXPECT_EQ(html.find("href=\"/"), std::string::npos);
}

// Values from the API reach the page as text only: none of our scripts parses HTML.
TEST(ConsoleAssets, ScriptsNeverParseHtmlOrEvaluateCode) {
  for (const auto& asset : console_assets()) {
    const std::string name(asset.name);
    if (name == "chart.min.js" || name.size() < 3 || name.substr(name.size() - 3) != ".js") {
      continue;
    }
    const std::string text(asset.content);
    for (const char* sink :
         {"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
          "setAttribute('style'", "http://", "https://", "document.cookie", "localStorage"}) {
      EXPECT_EQ(text.find(sink), std::string::npos) << name << " uses " << sink;
    }
  }
}

TEST(ConsoleAssets, ConsoleFilesNeedNoTokenButEverythingElseStillDoes) {
  const BearerAuth auth(std::string("secret"), /*protect_reads=*/true);
  for (const char* path : {"/", "/ui", "/ui/", "/ui/app.js", "/ui/chart.min.js"}) {
    EXPECT_FALSE(auth.needs_token("GET", path)) << path;
  }
  for (const char* path : {"/ui/a/b", "/uix", "/v6/status/", "/ui/../v6/jobs/"}) {
    EXPECT_TRUE(auth.needs_token("GET", path)) << path;
  }
  EXPECT_TRUE(auth.needs_token("POST", "/ui/"));
}

}  // namespace
}  // namespace scale::api
