#include "scheduler/task_spec_launch.h"

namespace scale::scheduler {
namespace {

mesos::Container::Network network_of(db::DockerNetwork network) {
  switch (network) {
    case db::DockerNetwork::Host:
      return mesos::Container::Network::Host;
    case db::DockerNetwork::Bridge:
      return mesos::Container::Network::Bridge;
    case db::DockerNetwork::None:
      return mesos::Container::Network::None;
  }
  return mesos::Container::Network::Host;
}

mesos::Container container_of(const db::Container& spec) {
  mesos::Container c;
  c.type = spec.type == db::ContainerType::Docker ? mesos::Container::Type::Docker
                                                  : mesos::Container::Type::Mesos;
  c.image = spec.image;
  c.force_pull = spec.force_pull;
  if (spec.network) c.network = network_of(*spec.network);
  for (const auto& p : spec.parameters) c.parameters.push_back({p.key, p.value});
  for (const auto& v : spec.volumes) {
    c.volumes.push_back(
        {v.container_path, v.host_path,
         v.mode == db::VolumeMode::RW ? mesos::Volume::Mode::RW : mesos::Volume::Mode::RO});
  }
  return c;
}

}  // namespace

void apply_task_spec(const std::string& command, const db::TaskSpec& spec,
                     mesos::TaskLaunch& task) {
  task.command = command;
  task.shell = !command.empty() || !spec.container;
  if (!task.shell) task.arguments = spec.args;
  for (const auto& [name, value] : spec.env) task.environment.push_back({name, value});
  for (const auto& uri : spec.uris) {
    task.uris.push_back({uri.value, uri.executable, uri.extract, uri.cache});
  }
  task.user = spec.user.value_or("");
  for (const auto& [key, value] : spec.labels) task.labels.push_back({key, value});
  if (spec.container) task.container = container_of(*spec.container);
}

}  // namespace scale::scheduler
