// parse_settings_patch (api/settings_patch.*): the body of PATCH /v6/scheduler/. Whatever the
// body:
// - exactly one of a patch and a 400 detail; the detail is short, valid JSON text, valid UTF-8;
// - an accepted patch changes something and every value is one the scheduler can apply
//   (handlers in 0..kMaxMessageHandlers, a known logging level and queue mode, upper case);
// - it parses JSON like parse_json_object (api/json_body.*): the same malformed-JSON and
//   not-an-object answers, so both endpoints refuse the same bodies the same way;
// - an accepted patch written back as JSON is accepted again as the same patch.

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <string>

#include "api/json_body.h"
#include "api/settings_patch.h"
#include "tests/fuzz/rest_checks.h"

namespace {

using scale::db::SchedulerSettingsPatch;

std::string to_json(const SchedulerSettingsPatch& patch) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  if (patch.is_paused) {
    writer.Key("is_paused");
    writer.Bool(*patch.is_paused);
  }
  if (patch.num_message_handlers) {
    writer.Key("num_message_handlers");
    writer.Int(*patch.num_message_handlers);
  }
  if (patch.system_logging_level) {
    writer.Key("system_logging_level");
    writer.String(*patch.system_logging_level);
  }
  if (patch.queue_mode) {
    writer.Key("queue_mode");
    writer.String(*patch.queue_mode);
  }
  writer.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

bool same(const SchedulerSettingsPatch& a, const SchedulerSettingsPatch& b) {
  return a.is_paused == b.is_paused && a.num_message_handlers == b.num_message_handlers &&
         a.system_logging_level == b.system_logging_level && a.queue_mode == b.queue_mode;
}

void check_accepted(const SchedulerSettingsPatch& patch) {
  FUZZ_CHECK(patch.is_paused || patch.num_message_handlers || patch.system_logging_level ||
                 patch.queue_mode,
             "accepted a patch that changes nothing");
  if (patch.num_message_handlers) {
    FUZZ_CHECK(*patch.num_message_handlers >= 0 &&
                   *patch.num_message_handlers <= scale::api::kMaxMessageHandlers,
               "num_message_handlers out of range");
  }
  if (const auto& level = patch.system_logging_level) {
    FUZZ_CHECK(*level == "DEBUG" || *level == "INFO" || *level == "WARNING" || *level == "ERROR" ||
                   *level == "CRITICAL",
               "unknown logging level accepted: " + *level);
  }
  if (const auto& mode = patch.queue_mode) {
    FUZZ_CHECK(*mode == "FIFO" || *mode == "LIFO", "unknown queue mode accepted: " + *mode);
  }
  const std::string body = to_json(patch);
  const auto again = scale::api::parse_settings_patch(body);
  FUZZ_CHECK(again.patch && same(*again.patch, patch), "written back differently: " + body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body = scale::fuzz::as_text(data, size);
  const auto result = scale::api::parse_settings_patch(body);
  FUZZ_CHECK(result.patch.has_value() == result.error.empty(),
             "both or neither of patch and error");
  if (result.patch) {
    check_accepted(*result.patch);
  } else {
    scale::fuzz::check_error_detail(result.error);
  }

  rapidjson::Document doc;
  const std::string json_error = scale::api::parse_json_object(body, doc);
  const bool structural = json_error.rfind("malformed JSON", 0) == 0 || !doc.IsObject();
  if (structural) {
    FUZZ_CHECK(result.error == json_error, "settings answered \"" + result.error +
                                               "\" where json_body answers \"" + json_error + "\"");
  }
  return 0;
}
