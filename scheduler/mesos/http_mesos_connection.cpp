#include "scheduler/mesos/http_mesos_connection.h"

#include <stdexcept>

#include "scheduler/mesos/master_url.h"
#include "scheduler/mesos/zk_master_source.h"

namespace scale::mesos {

std::optional<std::string> ZkMasterSource::leading_master() {
  std::optional<cluster::MesosMasterAddress> leader = detector_.leader();
  if (!leader) return std::nullopt;
  return master_base_url(scheme_, leader->host, leader->port);
}

std::unique_ptr<MesosConnection> make_http_mesos_connection(HttpMesosConnectionOptions options) {
  std::string error;
  std::optional<MasterSpec> spec = parse_master_spec(options.master, &error);
  if (!spec) throw std::invalid_argument(error);
  std::unique_ptr<MasterSource> source;
  if (spec->kind == MasterSpec::Kind::ZooKeeper) {
    if (!spec->zk_credentials.empty()) {
      throw std::invalid_argument("zk:// credentials are not supported yet");
    }
    cluster::MasterDetectorOptions detector;
    detector.connect_string = spec->zk_hosts;
    detector.path = spec->zk_path;
    detector.session_timeout = options.zk_session_timeout;
    detector.poll_period = options.zk_poll_period;
    source = std::make_unique<ZkMasterSource>(detector);
  } else {
    source = std::make_unique<FixedMasterSource>(spec->base_url);
  }
  return std::make_unique<MesosClient>(options.client, std::move(source),
                                       std::make_unique<HttpTransport>(options.transport));
}

}  // namespace scale::mesos
