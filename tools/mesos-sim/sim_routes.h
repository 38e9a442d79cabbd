#pragma once

// The /sim/ endpoints: fault injection, the launch journal and the state summary (README.md).

#include <cpprest/http_msg.h>

#include <memory>

#include "runtime.h"

namespace mesos_sim {

void handle_sim(const std::shared_ptr<Runtime>& rt, web::http::http_request request);

}  // namespace mesos_sim
