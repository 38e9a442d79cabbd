#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "db/node_store.h"

// Validation of PATCH /v6/nodes/{id}/ bodies (pure: no database, no server).
namespace scale::api {

struct NodePatchResult {
  std::optional<db::NodePatch> patch;  // set when the body is valid
  std::string error;                   // the 400 detail otherwise
};

// Accepts one or both of is_paused (bool) and pause_reason (string of at most
// db::kMaxPauseReasonLength bytes). A reason together with is_paused false is refused: resuming
// clears the reason. Rejects malformed JSON, non-objects, empty objects, unknown or repeated keys.
NodePatchResult parse_node_patch(std::string_view body);

}  // namespace scale::api
