#include "scheduler/mesos/http_mesos_connection.h"

#include <stdexcept>

#include "cluster/ensemble.h"
#include "cluster/zookeeper_detector.h"
#include "scheduler/mesos/master_url.h"
#include "scheduler/mesos/zk_master_source.h"

namespace scale::mesos {

std::unique_ptr<MesosConnection> make_http_mesos_connection(HttpMesosConnectionOptions options) {
  std::string error;
  std::optional<MasterSpec> spec = parse_master_spec(options.master, &error);
  if (!spec) throw std::invalid_argument(error);
  std::unique_ptr<MasterSource> source;
  if (spec->kind == MasterSpec::Kind::ZooKeeper) {
    if (!spec->zk_credentials.empty()) {
      throw std::invalid_argument("zk:// credentials are not supported yet");
    }
    // The replica's own session when these are its servers: one connection per replica.
    auto ensemble = cluster::Ensemble::shared(spec->zk_hosts, options.zk_session_timeout);
    auto group =
        std::make_shared<cluster::Group>(ensemble, spec->zk_path, cluster::master_members());
    source = std::make_unique<ZkMasterSource>(std::make_unique<cluster::ZooKeeperDetector>(group),
                                              group);
  } else {
    source = std::make_unique<FixedMasterSource>(spec->base_url);
  }
  return std::make_unique<MesosClient>(options.client, std::move(source),
                                       std::make_unique<HttpTransport>(options.transport));
}

}  // namespace scale::mesos
