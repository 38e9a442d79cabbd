#pragma once

// The four Mesos scalar resources a Scale job asks for, an agent offers and a table stores: the one
// type for all of them, header-only so the pure scheduler/queue code needs no db library to link.

#include <algorithm>
#include <cstddef>
#include <functional>

namespace scale::db {

struct Resources {
  double cpus = 0;
  double mem = 0;   // MiB, as Mesos
  double disk = 0;  // MiB, as Mesos
  double gpus = 0;

  // True when every one of the four fits in `available`. Mesos keeps scalars to three decimals,
  // so a tolerance absorbs the rounding that repeated subtraction of e.g. 0.1 cpus leaves behind.
  bool fits_in(const Resources& available) const {
    return fits(cpus, available.cpus) && fits(mem, available.mem) && fits(disk, available.disk) &&
           fits(gpus, available.gpus);
  }

  Resources& operator+=(const Resources& other) {
    cpus += other.cpus;
    mem += other.mem;
    disk += other.disk;
    gpus += other.gpus;
    return *this;
  }

  // Never goes below zero: a rounding residue must not make an agent look over-committed.
  Resources& operator-=(const Resources& other) {
    cpus = without_residue(cpus - other.cpus);
    mem = without_residue(mem - other.mem);
    disk = without_residue(disk - other.disk);
    gpus = without_residue(gpus - other.gpus);
    return *this;
  }

  // Exact equality: jobs with bit-identical requests share a shape class in the queue index.
  bool operator==(const Resources& other) const = default;

 private:
  // Half of Mesos's 0.001 scalar precision.
  static constexpr double kTolerance = 0.0005;
  static bool fits(double need, double available) { return need <= available + kTolerance; }
  static double without_residue(double value) { return value < kTolerance ? 0 : value; }
};

inline Resources operator+(Resources a, const Resources& b) {
  return a += b;
}
inline Resources operator-(Resources a, const Resources& b) {
  return a -= b;
}

// Component-wise maximum: the largest request any single agent could still satisfy per resource.
inline Resources component_max(const Resources& a, const Resources& b) {
  return {std::max(a.cpus, b.cpus), std::max(a.mem, b.mem), std::max(a.disk, b.disk),
          std::max(a.gpus, b.gpus)};
}

struct ResourcesHash {
  size_t operator()(const Resources& r) const {
    std::hash<double> h;
    size_t seed = h(r.cpus);
    for (double v : {r.mem, r.disk, r.gpus}) {
      seed ^= h(v) + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
    }
    return seed;
  }
};

}  // namespace scale::db
