#pragma once

// Decodes one v1 scheduler Event from its JSON record (spec A.2, A.6, A.7). Pure.

#include <string>
#include <string_view>

#include "scheduler/mesos/mesos_event.h"

namespace scale::mesos {

// Returns false (with *error set) when the record is not a JSON object with a string `type`, or
// when the sub-object a known type requires is missing or malformed. Unknown types decode to
// EventType::Unknown (forward compatibility); unknown keys are ignored like the master does.
bool decode_event(std::string_view json, Event* event, std::string* error);

}  // namespace scale::mesos
