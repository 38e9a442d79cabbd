#pragma once

// Everything the HTTP front shares with the core thread, owned together so continuations that
// outlive a request keep it alive (they hold a shared_ptr<Runtime>).

#include "config.h"
#include "core_loop.h"
#include "http_streams.h"
#include "journal.h"
#include "leader_view.h"
#include "master.h"

namespace mesos_sim {

struct Runtime {
  Runtime(const Config& cfg, const MasterInfo& info, LeaderView& view)
      : config(cfg),
        leader(view),
        journal(cfg.journal_path),
        master(cfg, info, streams, journal, CoreLoop::now()),
        loop([this](Millis now) { master.tick(now); },
             [this] {
               streams.flush();
               journal.flush();
             },
             2) {}

  // Stops the core thread, then ends every open stream (the thread is gone, so no race).
  void shutdown() {
    loop.stop();
    streams.close_all();
    journal.flush();
  }

  Config config;
  LeaderView& leader;
  Journal journal;
  HttpStreams streams;
  Master master;
  CoreLoop loop;
};

}  // namespace mesos_sim
