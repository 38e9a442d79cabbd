#pragma once

// Builds the real MesosConnection: MesosClient over HttpTransport, with the master given as
// "http://host:port" (fixed) or "zk://host:port,host:port/path" (detected through ZooKeeper, on
// the replica's own session when the URL names the replica's ensemble).

#include <memory>
#include <string>

#include "scheduler/mesos/http_transport.h"
#include "scheduler/mesos/mesos_client.h"
#include "scheduler/mesos/mesos_connection.h"

namespace scale::mesos {

struct HttpMesosConnectionOptions {
  std::string master;  // http://host:port | zk://hosts/path
  MesosClientOptions client;
  HttpTransportOptions transport;
  // For a zk:// ensemble this process has no session with yet.
  std::chrono::milliseconds zk_session_timeout{10000};
};

// Throws std::invalid_argument for a master string that is neither form.
std::unique_ptr<MesosConnection> make_http_mesos_connection(HttpMesosConnectionOptions options);

}  // namespace scale::mesos
