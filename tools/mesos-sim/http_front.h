#pragma once

// The HTTP front (cpprestsdk http_listener): routes /api/v1/scheduler (and
// /master/api/v1/scheduler), /sim/* and /redirect. Handlers never block: stateless checks and
// JSON decoding run on the listener's pool threads, everything stateful is posted to the core.

#include <memory>

#include "runtime.h"

namespace mesos_sim {

class HttpFront {
 public:
  // The cpprestsdk pool size; before the first listener or task exists.
  static void initialize_threads(size_t threads);
  explicit HttpFront(std::shared_ptr<Runtime> runtime);
  ~HttpFront();
  void open();   // throws when the address cannot be bound
  void close();  // waits for the listener to stop

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mesos_sim
