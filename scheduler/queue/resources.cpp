#include "scheduler/queue/resources.h"

#include <algorithm>
#include <functional>

namespace scale::queue {
namespace {

// Half of Mesos's 0.001 scalar precision.
constexpr double kTolerance = 0.0005;

bool scalar_fits(double need, double available) {
  return need <= available + kTolerance;
}

double clamp_residue(double value) {
  return value < kTolerance ? 0 : value;
}

}  // namespace

bool Resources::fits_in(const Resources& available) const {
  return scalar_fits(cpus, available.cpus) && scalar_fits(mem, available.mem) &&
         scalar_fits(disk, available.disk) && scalar_fits(gpus, available.gpus);
}

Resources& Resources::operator+=(const Resources& other) {
  cpus += other.cpus;
  mem += other.mem;
  disk += other.disk;
  gpus += other.gpus;
  return *this;
}

Resources& Resources::operator-=(const Resources& other) {
  cpus = clamp_residue(cpus - other.cpus);
  mem = clamp_residue(mem - other.mem);
  disk = clamp_residue(disk - other.disk);
  gpus = clamp_residue(gpus - other.gpus);
  return *this;
}

Resources operator+(Resources a, const Resources& b) {
  return a += b;
}
Resources operator-(Resources a, const Resources& b) {
  return a -= b;
}

Resources component_max(const Resources& a, const Resources& b) {
  return {std::max(a.cpus, b.cpus), std::max(a.mem, b.mem), std::max(a.disk, b.disk),
          std::max(a.gpus, b.gpus)};
}

size_t ResourcesHash::operator()(const Resources& r) const {
  std::hash<double> h;
  size_t seed = h(r.cpus);
  for (double v : {r.mem, r.disk, r.gpus}) {
    seed ^= h(v) + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
  }
  return seed;
}

}  // namespace scale::queue
