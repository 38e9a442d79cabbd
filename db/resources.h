#pragma once

namespace scale::db {

// The scalar resources Scale schedules on. mem and disk in MiB, as Mesos counts them.
struct Resources {
  double cpus = 0;
  double mem = 0;
  double disk = 0;
  double gpus = 0;
};

}  // namespace scale::db
