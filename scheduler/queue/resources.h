#pragma once

// The queue speaks of the same Resources as the database rows it is loaded from.

#include "db/resources.h"

namespace scale::queue {

using db::component_max;
using db::Resources;
using db::ResourcesHash;

}  // namespace scale::queue
