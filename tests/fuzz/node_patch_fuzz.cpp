// parse_node_patch (api/node_patch.*): the body of PATCH /v6/nodes/{id}/. Whatever the body:
// - exactly one of a patch and a 400 detail; the detail is short, valid JSON text, valid UTF-8;
// - an accepted patch changes something, never carries a reason while resuming, and its reason
//   fits db::kMaxPauseReasonLength and can be stored as it is (strict UTF-8, no NUL byte that
//   libpq would cut at);
// - an accepted patch written back as JSON is accepted again as the same patch.

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <string>

#include "api/node_patch.h"
#include "tests/fuzz/rest_checks.h"

namespace {

using scale::db::NodePatch;

std::string to_json(const NodePatch& patch) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  if (patch.is_paused) {
    writer.Key("is_paused");
    writer.Bool(*patch.is_paused);
  }
  if (patch.pause_reason) {
    writer.Key("pause_reason");
    writer.String(patch.pause_reason->data(),
                  static_cast<rapidjson::SizeType>(patch.pause_reason->size()));
  }
  writer.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

void check_accepted(const NodePatch& patch) {
  FUZZ_CHECK(!patch.empty(), "accepted a patch that changes nothing");
  FUZZ_CHECK(!(patch.is_paused == false && patch.pause_reason), "a reason while resuming");
  if (patch.pause_reason) {
    FUZZ_CHECK(patch.pause_reason->size() <= scale::db::kMaxPauseReasonLength, "reason too long");
    FUZZ_CHECK(scale::fuzz::storable_text(*patch.pause_reason),
               "accepted a reason with NUL or not UTF-8");
  }
  const std::string body = to_json(patch);
  const auto again = scale::api::parse_node_patch(body);
  FUZZ_CHECK(again.patch && again.patch->is_paused == patch.is_paused &&
                 again.patch->pause_reason == patch.pause_reason,
             "written back differently: " + body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto result = scale::api::parse_node_patch(scale::fuzz::as_text(data, size));
  FUZZ_CHECK(result.patch.has_value() == result.error.empty(),
             "both or neither of patch and error");
  if (result.patch) {
    check_accepted(*result.patch);
  } else {
    scale::fuzz::check_error_detail(result.error);
  }
  return 0;
}
