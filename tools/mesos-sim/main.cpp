// mesos-sim: a Mesos 1.x master emulator speaking the v1 scheduler HTTP API (see README.md).

#include <gflags/gflags.h>
#include <glog/logging.h>

#include <csignal>
#include <iostream>
#include <memory>

#include "auth.h"
#include "http_front.h"
#include "runtime.h"
#include "zk_registration.h"

DEFINE_string(listen, "127.0.0.1:5050", "host:port to serve HTTP on (port required)");
DEFINE_string(hostname, "",
              "hostname advertised in MasterInfo and redirects (default: listen host)");
DEFINE_string(zk, "", "zk://host:port[,host:port]/path: register as json.info_ and elect a leader");
DEFINE_int32(agents, 10, "number of simulated agents");
DEFINE_string(agent_resources, "cpus:8;mem:32768;disk:100000;gpus:0", "resources of each agent");
DEFINE_string(task_ms, "500", "simulated task duration in ms: N or MIN-MAX (uniform)");
DEFINE_double(fail_ratio, 0, "fraction of tasks that end TASK_FAILED instead of TASK_FINISHED");
DEFINE_uint64(seed, 1, "seed of task durations, failures and update uuids");
DEFINE_double(heartbeat_interval_s, 15, "HEARTBEAT interval in seconds (Mesos: 15)");
DEFINE_int32(offer_interval_ms, 100, "allocation interval in ms");
DEFINE_bool(strict, false, "exact, case-sensitive Content-Type match like the real master");
DEFINE_string(journal, "", "append every LAUNCH as a JSON line to this file");
DEFINE_double(failover_timeout_cap_s, 7 * 24 * 3600.0, "cap on a framework's failover_timeout");
DEFINE_double(update_retry_s, 10, "first redelivery of an unacknowledged update (doubles to 600)");
DEFINE_int32(http_threads, 8, "cpprestsdk thread pool size");
DEFINE_bool(task_starting, true, "send TASK_STARTING before TASK_RUNNING, as the command executor");
DEFINE_string(bad_images, "",
              "comma-separated container images whose tasks fail on the agent "
              "(TASK_FAILED, REASON_CONTAINER_LAUNCH_FAILED)");
DEFINE_int32(gpu_agents, -1,
             "only the first N agents have the gpus of --agent_resources (-1: every agent)");
DEFINE_bool(filter_gpu_resources, true,
            "offer no GPU agent to a framework without the GPU_RESOURCES capability");
DEFINE_string(credentials, "",
              "JSON credentials file (path or file://): authenticate HTTP frameworks (basic)");

namespace {

using mesos_sim::Config;

// Every flag checked up front: one clear line and exit 2 on a bad value.
bool build_config(Config* config, std::string* error) {
  auto listen = mesos_sim::parse_host_port(FLAGS_listen, error);
  if (!listen) return *error = "--listen: " + *error, false;
  config->listen = *listen;
  config->hostname = FLAGS_hostname.empty() ? listen->host : FLAGS_hostname;
  if (!FLAGS_zk.empty()) {
    config->zk = mesos_sim::parse_zk_url(FLAGS_zk, error);
    if (!config->zk) return *error = "--zk: " + *error, false;
  }
  if (FLAGS_agents < 0 || FLAGS_agents > 1000000)
    return *error = "--agents: must be 0..1000000", false;
  config->agents = FLAGS_agents;
  auto resources = mesos_sim::parse_resources(FLAGS_agent_resources, error);
  if (!resources) return *error = "--agent_resources: " + *error, false;
  config->agent_resources = *resources;
  if (!mesos_sim::parse_task_ms(FLAGS_task_ms, &config->task_ms_min, &config->task_ms_max, error)) {
    return *error = "--task_ms: " + *error, false;
  }
  if (!(FLAGS_fail_ratio >= 0 && FLAGS_fail_ratio <= 1))
    return *error = "--fail_ratio: must be 0..1", false;
  config->fail_ratio = FLAGS_fail_ratio;
  config->seed = FLAGS_seed;
  if (!(FLAGS_heartbeat_interval_s > 0))
    return *error = "--heartbeat_interval_s: must be > 0", false;
  config->heartbeat_interval_s = FLAGS_heartbeat_interval_s;
  if (FLAGS_offer_interval_ms < 1) return *error = "--offer_interval_ms: must be >= 1", false;
  config->offer_interval_ms = FLAGS_offer_interval_ms;
  config->strict = FLAGS_strict;
  config->journal_path = FLAGS_journal;
  if (!(FLAGS_failover_timeout_cap_s >= 0))
    return *error = "--failover_timeout_cap_s: must be >= 0", false;
  config->failover_timeout_cap_s = FLAGS_failover_timeout_cap_s;
  if (!(FLAGS_update_retry_s > 0)) return *error = "--update_retry_s: must be > 0", false;
  config->update_retry_s = FLAGS_update_retry_s;
  if (FLAGS_http_threads < 1) return *error = "--http_threads: must be >= 1", false;
  config->task_starting = FLAGS_task_starting;
  config->bad_images = mesos_sim::parse_list(FLAGS_bad_images);
  if (FLAGS_gpu_agents < -1) return *error = "--gpu_agents: must be -1 or more", false;
  if (FLAGS_gpu_agents >= 0 && !(config->agent_resources.gpus > 0))
    return *error = "--gpu_agents: --agent_resources has no gpus to give", false;
  config->gpu_agents = FLAGS_gpu_agents;
  config->filter_gpu_resources = FLAGS_filter_gpu_resources;
  if (!FLAGS_credentials.empty()) {
    auto credentials = mesos_sim::load_credentials(FLAGS_credentials, error);
    if (!credentials) return *error = "--credentials: " + *error, false;
    config->credentials = *credentials;
  }
  return true;
}

mesos_sim::MasterInfo master_info(const Config& config) {
  mesos_sim::MasterInfo info;
  info.ip = config.listen.host == "localhost" ? "127.0.0.1" : config.listen.host;
  info.hostname = config.hostname;
  info.port = config.listen.port;
  return info;
}

}  // namespace

int main(int argc, char** argv) {
  gflags::SetUsageMessage("mesos-sim --listen=HOST:PORT [--zk=zk://HOSTS/PATH] [--agents=N] ...");
  gflags::ParseCommandLineFlags(&argc, &argv, true);
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);
  Config config;
  std::string error;
  if (argc > 1) error = std::string("unexpected argument '") + argv[1] + "'";
  if (!error.empty() || !build_config(&config, &error)) {
    std::cerr << "mesos-sim: " << error << std::endl;
    return 2;
  }
  // Signals are taken synchronously by main; every thread started below inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  mesos_sim::HttpFront::initialize_threads(FLAGS_http_threads);

  mesos_sim::LeaderView leader;
  auto info = master_info(config);
  std::shared_ptr<mesos_sim::Runtime> runtime;
  try {
    runtime = std::make_shared<mesos_sim::Runtime>(config, info, leader);
  } catch (const std::exception& e) {
    std::cerr << "mesos-sim: " << e.what() << std::endl;
    return 1;
  }
  mesos_sim::HttpFront front(runtime);
  try {
    front.open();
  } catch (const std::exception& e) {
    std::cerr << "mesos-sim: cannot listen on " << FLAGS_listen << ": " << e.what() << std::endl;
    runtime->shutdown();
    return 1;
  }
  std::unique_ptr<mesos_sim::ZkRegistration> zk;
  if (config.zk) {
    zk = std::make_unique<mesos_sim::ZkRegistration>(*config.zk, master_info_json(info), leader);
  }
  LOG(INFO) << "mesos-sim listening on " << FLAGS_listen << " with " << config.agents << " agents";
  int signal = 0;
  sigwait(&signals, &signal);
  LOG(INFO) << "signal " << signal << ": shutting down";
  zk.reset();
  runtime->shutdown();
  front.close();
  return 0;
}
