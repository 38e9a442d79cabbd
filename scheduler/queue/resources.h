#pragma once

// The four Mesos scalar resources a Scale job asks for and an agent offers.

#include <cstddef>

namespace scale::queue {

struct Resources {
  double cpus = 0;
  double mem = 0;   // MiB, as Mesos
  double disk = 0;  // MiB, as Mesos
  double gpus = 0;

  // True when every one of the four fits in `available`. Mesos keeps scalars to three decimals,
  // so a tolerance absorbs the rounding that repeated subtraction of e.g. 0.1 cpus leaves behind.
  bool fits_in(const Resources& available) const;

  Resources& operator+=(const Resources& other);
  // Never goes below zero: a rounding residue must not make an agent look over-committed.
  Resources& operator-=(const Resources& other);

  // Exact equality: jobs with bit-identical requests share a shape class in the queue index.
  bool operator==(const Resources& other) const = default;
};

Resources operator+(Resources a, const Resources& b);
Resources operator-(Resources a, const Resources& b);

// Component-wise maximum: the largest request any single agent could still satisfy per resource.
Resources component_max(const Resources& a, const Resources& b);

struct ResourcesHash {
  size_t operator()(const Resources& r) const;
};

}  // namespace scale::queue
