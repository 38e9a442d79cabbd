#pragma once

// Routes the ZooKeeper C client's own log lines to glog instead of stderr.

#include <zookeeper/zookeeper.h>

namespace scale::cluster {

// Sets the C client's (process-wide) log level once. Its lines are routine chatter (every
// reconnect attempt logs an error), and our session wrapper logs the state changes that matter,
// so they go to VLOG(1): run with --v=1 to see them.
void configure_zookeeper_client_logging();

// Per-handle log callback to pass to zookeeper_init2.
void zookeeper_client_log_line(const char* message);

}  // namespace scale::cluster
