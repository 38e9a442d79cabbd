#pragma once

// Builds the real MesosConnection: MesosClient over HttpTransport, with the master given as
// "http://host:port" (fixed) or "zk://host:port,host:port/path" (detected through ZooKeeper).

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
  std::chrono::milliseconds zk_session_timeout{10000};
  std::chrono::milliseconds zk_poll_period{1000};
};

// Throws std::invalid_argument for a master string that is neither form.
std::unique_ptr<MesosConnection> make_http_mesos_connection(HttpMesosConnectionOptions options);

}  // namespace scale::mesos
