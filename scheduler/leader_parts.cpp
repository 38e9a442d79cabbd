#include "scheduler/leader_parts.h"

#include "scheduler/db_leader_store.h"
#include "scheduler/mesos/http_mesos_connection.h"
#include "scheduler/replica_roster.h"

namespace scale::scheduler {

std::unique_ptr<mesos::MesosConnection> make_mesos_connection(const ReplicaOptions& options,
                                                              cluster::Term& term) {
  mesos::HttpMesosConnectionOptions mesos_options;
  mesos_options.master = options.mesos_master;
  auto& framework = mesos_options.client.client.framework;
  framework.user = options.framework_user;
  framework.name = options.framework_name;
  framework.roles = {options.role};
  framework.failover_timeout_seconds = static_cast<double>(options.failover_timeout.count());
  framework.hostname = options.hostname;
  framework.webui_url = options.advertise_url;
  framework.principal = options.mesos_principal;
  mesos_options.transport.principal = options.mesos_principal;
  mesos_options.transport.secret = options.mesos_secret.value_or("");
  // Nothing reaches the master unless the term is acting at that very moment: a leader frozen
  // past its session and resumed sends no call, even one that waited in a lane.
  mesos_options.transport.may_send = [&term] { return term.acting(); };
  mesos_options.zk_session_timeout = options.zk_session_timeout;
  return mesos::make_http_mesos_connection(mesos_options);
}

LeaderParts make_leader_parts(const ReplicaOptions& options, cluster::Term& term, Standby& standby,
                              cluster::Detector& replicas) {
  LeaderParts parts;
  parts.store = std::make_unique<DbLeaderStore>(options.db, std::move(standby.conn));
  parts.notifications = std::make_unique<PgNotifySource>(options.db, standby);
  parts.mesos = [&options, &term] { return make_mesos_connection(options, term); };
  parts.replicas = [&replicas] {
    return replicas_seen(replicas.members(), replicas.refreshed(),
                         std::chrono::system_clock::now());
  };
  standby = {};
  return parts;
}

}  // namespace scale::scheduler
