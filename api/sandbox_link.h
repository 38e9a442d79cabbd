#pragma once

#include <optional>
#include <string>
#include <string_view>

// Where an execution's sandbox is in the Mesos web UI.
namespace scale::api {

// The web UI base: `configured` (--mesos_ui_url) when set, else the master the leader stored when
// it is an http(s):// URL, else nullopt (a zk:// master has no single address). No trailing '/'.
std::optional<std::string> mesos_ui_base(std::string_view configured, std::string_view master);

// <base>/#/agents/<agent>/frameworks/<framework>/executors/<executor>/browse, each id
// percent-encoded; nullopt when an id is unknown (empty).
std::optional<std::string> sandbox_url(std::string_view base, std::string_view agent_id,
                                       std::string_view framework_id, std::string_view executor_id);

}  // namespace scale::api
