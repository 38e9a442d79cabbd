#pragma once

#include "api/context.h"
#include "api/router.h"

namespace scale::api {

// Every endpoint of the API, in one table (DESIGN.md section 6). Handlers keep a reference to ctx.
Router make_routes(Context& ctx);

}  // namespace scale::api
