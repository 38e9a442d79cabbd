#pragma once

#include <chrono>
#include <future>
#include <string>

#include "tests/support/servers.h"

// Shared by the db integration tests: one real PostgreSQL per test binary (starting one costs about
// a second) and a fresh database per test, so tests never see each other's rows.
namespace scale::db::testing {

// Started on first use. Call from the test's main thread: the server dies with the thread that
// started it.
scale::test::PostgresServer& server();

// A new empty database; returns its conninfo.
std::string fresh_database();

// A new database with every migration applied; returns its conninfo.
std::string migrated_database();

// True when the future became ready within the timeout (tests never wait forever).
template <typename T>
bool ready_within(const std::future<T>& f, std::chrono::milliseconds timeout) {
  return f.wait_for(timeout) == std::future_status::ready;
}

}  // namespace scale::db::testing
