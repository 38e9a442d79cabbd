#pragma once

// The v1 scheduler calls this client sends on its call connections (spec A.5; SUBSCRIBE has its
// own): which lane each travels in (CallLanes), how rejections and logs name it, and its wire
// name in the call's JSON.

namespace scale::mesos {

enum class CallType { Accept, Decline, Acknowledge, Kill, Reconcile, Suppress, Revive, Teardown };

// The wire name: "ACCEPT", "DECLINE", ...
const char* to_string(CallType type);

}  // namespace scale::mesos
