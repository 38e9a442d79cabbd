#include "db/agent_store.h"

#include "db/fence.h"
#include "db/pg_array.h"
#include "db/store_rows.h"

namespace scale::db {

namespace {

// $1 epoch; $2..$7 arrays of agent id, hostname, cpus, mem, disk, gpus. DISTINCT ON keeps one
// row per agent: ON CONFLICT DO UPDATE may not touch a row twice in one statement. The RETURNING
// rows come back in no promised order, hence the join back to the input order.
constexpr const char* kUpsertAgents = R"SQL(
WITH input AS (
  SELECT DISTINCT ON (u.agent_id) u.*
  FROM unnest($2::text[], $3::text[], $4::float8[], $5::float8[], $6::float8[], $7::float8[])
       WITH ORDINALITY AS u(agent_id, hostname, cpus, mem, disk, gpus, ord)
  ORDER BY u.agent_id, u.ord DESC
), written AS (
  INSERT INTO node AS n (agent_id, hostname, is_active, cpus, mem, disk, gpus, last_offer_at,
                         last_modified, epoch)
  SELECT agent_id, hostname, true, cpus, mem, disk, gpus, now(), now(), $1 FROM input
  ON CONFLICT (agent_id) DO UPDATE
  SET hostname = EXCLUDED.hostname, is_active = true, cpus = EXCLUDED.cpus,
      mem = EXCLUDED.mem, disk = EXCLUDED.disk, gpus = EXCLUDED.gpus,
      last_offer_at = EXCLUDED.last_offer_at, last_modified = EXCLUDED.last_modified,
      epoch = EXCLUDED.epoch
  RETURNING n.id, n.agent_id
)
SELECT w.id FROM unnest($2::text[]) WITH ORDINALITY AS a(agent_id, ord)
JOIN written w ON w.agent_id = a.agent_id
ORDER BY a.ord
)SQL";

constexpr const char* kMarkInactive = R"SQL(
UPDATE node SET is_active = false, last_modified = now(), epoch = $1
WHERE agent_id = ANY($2::text[]) AND is_active
)SQL";

constexpr const char* kSetClusterResources = R"SQL(
INSERT INTO cluster_resources (id, cpus, mem, disk, gpus, updated_at, epoch)
VALUES (1, $2, $3, $4, $5, now(), $1)
ON CONFLICT (id) DO UPDATE
SET cpus = EXCLUDED.cpus, mem = EXCLUDED.mem, disk = EXCLUDED.disk, gpus = EXCLUDED.gpus,
    updated_at = EXCLUDED.updated_at, epoch = EXCLUDED.epoch
)SQL";

}  // namespace

std::vector<long long> AgentStore::upsert_agents(Connection& conn, long long epoch,
                                                 const std::vector<AgentSeen>& agents) {
  std::vector<long long> out;
  if (agents.empty()) return out;
  ArrayLiteral ids, hosts, cpus, mem, disk, gpus;
  for (const AgentSeen& a : agents) {
    ids.add_text(a.agent_id);
    hosts.add_text(a.hostname);
    cpus.add_real(a.total.cpus);
    mem.add_real(a.total.mem);
    disk.add_real(a.total.disk);
    gpus.add_real(a.total.gpus);
  }
  Fence::join_or_run(conn, epoch, [&](Connection& c) {
    Result r = c.exec(kUpsertAgents, {std::to_string(epoch), ids.str(), hosts.str(), cpus.str(),
                                      mem.str(), disk.str(), gpus.str()});
    out.reserve(r.rows());
    for (int i = 0; i < r.rows(); ++i) out.push_back(r.integer(i, 0));
  });
  return out;
}

long long AgentStore::mark_agents_inactive(Connection& conn, long long epoch,
                                           const std::vector<std::string>& agent_ids) {
  if (agent_ids.empty()) return 0;
  ArrayLiteral ids;
  for (const std::string& id : agent_ids) ids.add_text(id);
  long long changed = 0;
  Fence::join_or_run(conn, epoch, [&](Connection& c) {
    changed = c.exec(kMarkInactive, {std::to_string(epoch), ids.str()}).affected();
  });
  return changed;
}

void AgentStore::set_cluster_resources(Connection& conn, long long epoch, const Resources& totals) {
  Fence::join_or_run(conn, epoch, [&](Connection& c) {
    c.exec(kSetClusterResources,
           {std::to_string(epoch), real_param(totals.cpus), real_param(totals.mem),
            real_param(totals.disk), real_param(totals.gpus)});
  });
}

}  // namespace scale::db
