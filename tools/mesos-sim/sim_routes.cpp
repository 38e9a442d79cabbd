#include "sim_routes.h"

#include <rapidjson/document.h>

#include <functional>

namespace mesos_sim {
namespace {

using web::http::http_request;

void reply_json(http_request request, int status, const std::string& body) {
  web::http::http_response response(static_cast<web::http::status_code>(status));
  response.set_body(std::vector<unsigned char>(body.begin(), body.end()));
  response.headers().set_content_type("application/json");
  request.reply(response).then([](pplx::task<void> t) {
    try {
      t.get();
    } catch (...) {
    }
  });
}

std::string string_field(const rapidjson::Document& doc, const char* key) {
  auto it = doc.FindMember(key);
  return it != doc.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

// A fault: runs on the core thread with the decoded body; returns the HTTP status.
using Fault = std::function<int(Master&, const rapidjson::Document&, Millis)>;

std::optional<Fault> fault_for(const std::string& path) {
  if (path == "/sim/heartbeats") {
    return [](Master& m, const rapidjson::Document& doc, Millis) {
      auto enabled = doc.FindMember("enabled");
      if (enabled == doc.MemberEnd() || !enabled->value.IsBool()) return 400;
      m.set_heartbeats(string_field(doc, "framework_id"), enabled->value.GetBool());
      return 200;
    };
  }
  if (path == "/sim/close_streams") {
    return [](Master& m, const rapidjson::Document& doc, Millis now) {
      m.close_streams(string_field(doc, "framework_id"), now);
      return 200;
    };
  }
  if (path == "/sim/failover") {
    return [](Master& m, const rapidjson::Document& doc, Millis now) {
      auto window = doc.FindMember("window_ms");
      auto min = doc.FindMember("min_ms");
      bool has_min = min != doc.MemberEnd();
      bool ok =
          window != doc.MemberEnd() && window->value.IsInt64() &&
          (!has_min || (min->value.IsInt64() && min->value.GetInt64() <= window->value.GetInt64()));
      if (ok) m.failover(has_min ? min->value.GetInt64() : 0, window->value.GetInt64(), now);
      return ok ? 200 : 400;
    };
  }
  if (path == "/sim/remove_agent") {
    return [](Master& m, const rapidjson::Document& doc, Millis) {
      std::string mode = string_field(doc, "mode");
      AgentState how = mode == "unreachable" ? AgentState::UNREACHABLE
                       : mode == "gone"      ? AgentState::GONE
                                             : AgentState::REMOVED;
      if (!mode.empty() && mode != "unreachable" && mode != "gone" && mode != "removed") return 400;
      return m.remove_agent(string_field(doc, "agent_id"), how) ? 200 : 404;
    };
  }
  if (path == "/sim/restore_agent") {
    return [](Master& m, const rapidjson::Document& doc, Millis now) {
      return m.restore_agent(string_field(doc, "agent_id"), now) ? 200 : 404;
    };
  }
  if (path == "/sim/rescind") {
    return [](Master& m, const rapidjson::Document& doc, Millis) {
      m.rescind_offers(string_field(doc, "framework_id"));
      return 200;
    };
  }
  return std::nullopt;
}

void handle_fault(const std::shared_ptr<Runtime>& rt, http_request request, Fault fault) {
  request.extract_vector().then([rt, request, fault](pplx::task<std::vector<unsigned char>> t) {
    auto doc = std::make_shared<rapidjson::Document>();
    try {
      auto body = t.get();
      std::string text = body.empty() ? "{}" : std::string(body.begin(), body.end());
      doc->Parse(text.c_str(), text.size());
    } catch (...) {
      return reply_json(request, 400, R"({"error":"unreadable body"})");
    }
    if (doc->HasParseError() || !doc->IsObject()) {
      return reply_json(request, 400, R"({"error":"expected a JSON object"})");
    }
    rt->loop.post([rt, request, fault, doc](Millis now) {
      int status = fault(rt->master, *doc, now);
      reply_json(request, status, status == 200 ? R"({"ok":true})" : R"({"ok":false})");
    });
  });
}

uint64_t since_parameter(const http_request& request) {
  auto query = web::uri::split_query(request.relative_uri().query());
  auto it = query.find("since");
  if (it == query.end()) return 0;
  try {
    return std::stoull(it->second);
  } catch (...) {
    return 0;
  }
}

}  // namespace

void handle_sim(const std::shared_ptr<Runtime>& rt, http_request request) {
  const std::string path = request.relative_uri().path();
  const bool get = request.method() == web::http::methods::GET;
  if (get && path == "/sim/state") {
    rt->loop.post([rt, request](Millis) { reply_json(request, 200, rt->master.state_json()); });
  } else if (get && path == "/sim/journal") {
    uint64_t since = since_parameter(request);
    rt->loop.post(
        [rt, request, since](Millis) { reply_json(request, 200, rt->journal.json(since)); });
  } else if (auto fault = fault_for(path)) {
    if (request.method() != web::http::methods::POST) {
      return reply_json(request, 405, R"({"error":"POST only"})");
    }
    handle_fault(rt, request, *fault);
  } else {
    reply_json(request, 404, R"({"error":"unknown /sim/ endpoint"})");
  }
}

}  // namespace mesos_sim
