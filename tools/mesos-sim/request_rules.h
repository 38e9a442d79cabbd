#pragma once

// The stateless header and method rules of the scheduler endpoint (spec A.1/A.14), in the order
// the master applies them. Pure functions: unit-tested without HTTP.

#include <optional>
#include <string>

#include "master.h"

namespace mesos_sim {

struct RequestHead {
  std::string method;
  std::optional<std::string> content_type, accept, stream_id;
  std::optional<std::string> principal;  // authenticated (--credentials), else none
};

// Before the body is read: 405, 400 (no Content-Type), 415. `strict`: the master's exact,
// case-sensitive comparison; otherwise media-type parameters and case are ignored.
// application/x-protobuf is answered 415: this emulator speaks JSON only.
std::optional<Reply> check_before_body(const RequestHead& head, bool strict);

// After a SUBSCRIBE decoded: 400 when an authenticated principal differs from
// FrameworkInfo.principal, 406 when Accept allows no JSON, 400 when Mesos-Stream-Id is present.
std::optional<Reply> check_subscribe(const RequestHead& head, const Call& call);

// True when an Accept header value admits application/json (absent or empty: everything).
bool accepts_json(const std::optional<std::string>& accept);

}  // namespace mesos_sim
