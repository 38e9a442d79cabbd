#include <glog/logging.h>

#include <condition_variable>
#include <mutex>

#include "db/connection.h"

namespace scale::db {

struct Pool::State {
  std::string conninfo;
  size_t size = 0;
  std::mutex mu;
  std::condition_variable freed;
  std::vector<std::unique_ptr<Connection>> idle;
  size_t open = 0;  // connections in `idle` plus those leased out
};

Pool::Lease::Lease(Pool* pool, std::unique_ptr<Connection> conn)
    : pool_(pool), conn_(std::move(conn)) {}

Pool::Lease::~Lease() {
  if (conn_) pool_->release(std::move(conn_));
}

Pool::Lease::Lease(Lease&& other) noexcept : pool_(other.pool_), conn_(std::move(other.conn_)) {}

Pool::Pool(std::string conninfo, size_t size) : state_(std::make_unique<State>()) {
  if (size == 0) throw Error("db: pool size must be at least 1");
  state_->conninfo = std::move(conninfo);
  state_->size = size;
}

Pool::~Pool() {
  std::lock_guard lock(state_->mu);
  LOG_IF(DFATAL, state_->idle.size() != state_->open)
      << "db: pool destroyed while " << state_->open - state_->idle.size() << " leases are out";
}

const std::string& Pool::conninfo() const {
  return state_->conninfo;
}

Pool::Lease Pool::acquire(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(state_->mu);
  for (;;) {
    const bool available = state_->freed.wait_until(
        lock, deadline, [&] { return !state_->idle.empty() || state_->open < state_->size; });
    if (!available) {
      throw Error("db: no pooled connection free within " + std::to_string(timeout.count()) +
                  " ms");
    }
    if (state_->idle.empty()) break;  // room to open a new one
    std::unique_ptr<Connection> conn = std::move(state_->idle.back());
    state_->idle.pop_back();
    if (conn->probe()) return Lease(this, std::move(conn));
    // Broken while idle (server restart): drop it and open a replacement in its slot.
    LOG(WARNING) << "db: replacing a broken pooled connection";
    --state_->open;
    break;
  }
  ++state_->open;  // reserve the slot before connecting outside the lock
  lock.unlock();
  try {
    return Lease(this, std::make_unique<Connection>(state_->conninfo));
  } catch (...) {
    lock.lock();
    --state_->open;
    state_->freed.notify_one();
    throw;
  }
}

void Pool::release(std::unique_ptr<Connection> conn) {
  // Hand back only clean connections: an abandoned transaction would hold its locks forever.
  if (conn->ok() && conn->in_transaction()) {
    try {
      conn->exec("ROLLBACK");
    } catch (const Error& e) {
      LOG(WARNING) << "db: rollback of an abandoned pooled transaction failed: " << e.what();
    }
  }
  const bool reusable = conn->ok() && !conn->in_transaction();
  if (!reusable) conn.reset();  // close outside the lock: PQfinish may write to the socket
  std::lock_guard lock(state_->mu);
  if (reusable) {
    state_->idle.push_back(std::move(conn));
  } else {
    --state_->open;
  }
  state_->freed.notify_one();
}

}  // namespace scale::db
