#include "db/node_store.h"

#include "db/store_rows.h"

namespace scale::db {
namespace {

const std::string& node_columns() {
  static const std::string columns =
      "id, agent_id, hostname, is_active, is_paused, pause_reason, cpus, mem, disk, gpus, " +
      iso_utc("last_offer_at") + ", " + iso_utc("created_at") + ", " + iso_utc("last_modified") +
      ", epoch";
  return columns;
}

Node node_from_row(const Result& r, int row) {
  Node node;
  node.id = r.integer(row, 0);
  node.agent_id = r.text(row, 1);
  node.hostname = r.text(row, 2);
  node.is_active = r.boolean(row, 3);
  node.is_paused = r.boolean(row, 4);
  node.pause_reason = r.get(row, 5);
  node.resources = resources_at(r, row, 6);
  node.last_offer_at = r.get(row, 10);
  node.created_at = r.text(row, 11);
  node.last_modified = r.text(row, 12);
  node.epoch = optional_integer_at(r, row, 13);
  return node;
}

}  // namespace

NodePage NodeStore::list(Connection& conn, long long page, int page_size) {
  if (page < 1 || page_size < 1) throw Error("db: page and page_size start at 1");
  NodePage result;
  in_snapshot(conn, [&](Connection& c) {
    result.count = c.exec("SELECT count(*) FROM node").integer(0, 0);
    Result rows = c.exec("SELECT " + node_columns() + " FROM node ORDER BY id LIMIT $1 OFFSET $2",
                         {std::to_string(page_size), std::to_string((page - 1) * page_size)});
    for (int i = 0; i < rows.rows(); ++i) result.nodes.push_back(node_from_row(rows, i));
  });
  return result;
}

std::optional<Node> NodeStore::get(Connection& conn, long long id) {
  Result row =
      conn.exec("SELECT " + node_columns() + " FROM node WHERE id = $1", {std::to_string(id)});
  if (row.rows() == 0) return std::nullopt;
  return node_from_row(row, 0);
}

std::optional<Node> NodeStore::patch(Connection& conn, long long id, const NodePatch& patch) {
  if (patch.empty()) return get(conn, id);
  // $2: new is_paused or NULL (keep); $3: new reason or NULL (keep). Unpausing clears the reason,
  // since a reason describes a pause. One statement, so it joins a caller's transaction.
  Param paused;
  if (patch.is_paused) paused = *patch.is_paused ? "true" : "false";
  Result row = conn.exec(
      "UPDATE node SET is_paused = coalesce($2::boolean, is_paused),"
      " pause_reason = CASE WHEN NOT coalesce($2::boolean, is_paused) THEN NULL"
      "                     ELSE coalesce($3, pause_reason) END,"
      " last_modified = now() WHERE id = $1 RETURNING " +
          node_columns(),
      {std::to_string(id), paused, patch.pause_reason});
  if (row.rows() == 0) return std::nullopt;
  return node_from_row(row, 0);
}

}  // namespace scale::db
