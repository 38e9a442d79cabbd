#pragma once

// What the Leader itself reads and writes in PostgreSQL — the fence, the term's state, the status
// document — behind a small interface, so its promotion order and its step-down are unit tested
// with a fake. The scheduling core's own reads and writes go through the LeaderPersistence this
// store hands out (one per term).

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "db/fence.h"
#include "db/leader_state_loader.h"
#include "db/node_activity.h"
#include "db/scheduler_settings_store.h"
#include "db/term_history.h"
#include "scheduler/leader_persistence.h"
#include "scheduler/queue/queued_job.h"

namespace scale::scheduler {

// A term's starting point, read in one fenced transaction.
struct LoadedTerm {
  std::vector<queue::QueuedJob> queued;
  db::LeaderState state;
  db::SchedulerSettings settings;
  std::optional<std::string> framework_id;  // the stored one; none before the first SUBSCRIBED
};

// What the status document needs from the database, read in the transaction that writes it.
struct StatusFacts {
  bool paused = false;
  std::string framework_id;                      // stored; "" when none
  std::vector<db::AgentExecutionCounts> recent;  // executions finished recently, by agent
  std::vector<db::TermRecord> terms;             // the newest terms, newest first
};

class LeaderStore {
 public:
  virtual ~LeaderStore() = default;

  // A live connection is at hand, or could be made now. Never throws.
  virtual bool available() = 0;
  // Raises the fence to me.epoch; false when a newer term holds it. Throws db::Error.
  virtual bool promote(const db::LeaderRecord& me) = 0;
  // Throws db::FencedOut (a newer term holds the fence) or db::Error.
  virtual LoadedTerm load(long long epoch) = 0;
  // One fenced transaction: records the term's promotion steps not recorded yet, reads the facts,
  // writes the document `render` makes of them. Throws db::FencedOut or db::Error.
  virtual void write_status(long long epoch, const std::vector<db::TermStep>& new_steps,
                            const std::function<std::string(const StatusFacts&)>& render) = 0;
  // Why the term ended, while it may still hold the fence; on the connection at hand only (no
  // reconnect: this is on the way out). Best effort: never throws.
  virtual void record_end(long long epoch, const std::string& reason) = 0;
  // The scheduling core's persistence for the term of `epoch`.
  virtual std::unique_ptr<LeaderPersistence> persistence(long long epoch,
                                                         const std::string& master) = 0;
};

}  // namespace scale::scheduler
