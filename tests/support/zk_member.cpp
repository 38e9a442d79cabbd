#include "tests/support/zk_member.h"

#include <fstream>
#include <stdexcept>

#include "tests/support/internal.h"

namespace scale::test::detail {
namespace {

const char* const kJars[][2] = {
    {"/usr/share/java/zookeeper.jar", "libzookeeper-java (zookeeper)"},
    {"/usr/share/java/zookeeper-jute.jar", "libzookeeper-java (zookeeper)"},
    {"/usr/share/java/slf4j-api.jar", "libslf4j-java"},
    {"/usr/share/java/slf4j-log4j12.jar", "libslf4j-java"},
    {"/usr/share/java/log4j-1.2.jar", "liblog4j1.2-java"},
};

std::string classpath(const std::filesystem::path& conf) {
  // zookeeper.jar's manifest Class-Path brings netty, jetty, jackson, metrics, snappy...
  std::string cp = conf.string();
  for (const auto& jar : kJars) cp += std::string(":") + jar[0];
  return cp;
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) throw std::runtime_error("ZooKeeper: cannot write " + path.string());
}

std::string log4j_properties(const std::filesystem::path& log) {
  return "log4j.rootLogger=INFO, FILE\n"
         "log4j.appender.FILE=org.apache.log4j.FileAppender\n"
         "log4j.appender.FILE.File=" +
         log.string() +
         "\n"
         "log4j.appender.FILE.layout=org.apache.log4j.PatternLayout\n"
         "log4j.appender.FILE.layout.ConversionPattern=%d{ISO8601} %-5p [%t:%C{1}@%L] - %m%n\n";
}

}  // namespace

void require_zookeeper_installed() {
  if (find_in_path("java").empty()) {
    throw std::runtime_error(
        "missing java (not in PATH): install the Debian package default-jre-headless "
        "(a dependency of zookeeper; or run tools/install-deps)");
  }
  for (const auto& jar : kJars) require_file(jar[0], jar[1]);
}

ZkMember::ZkMember(const std::filesystem::path& dir, int id, const std::vector<ZkPorts>& ensemble,
                   uint16_t standalone_port)
    : dir_(dir),
      client_port_(ensemble.empty() ? standalone_port
                                    : ensemble.at(static_cast<size_t>(id - 1)).client) {
  std::filesystem::create_directories(dir_ / "conf");
  std::filesystem::create_directories(dir_ / "data");
  write_config(id, ensemble);
}

ZkMember::~ZkMember() = default;

void ZkMember::write_config(int id, const std::vector<ZkPorts>& ensemble) const {
  std::string cfg =
      "tickTime=200\n"
      "dataDir=" +
      (dir_ / "data").string() +
      "\n"
      "clientPort=" +
      std::to_string(client_port_) +
      "\n"
      "clientPortAddress=127.0.0.1\n"
      "admin.enableServer=false\n"
      "4lw.commands.whitelist=*\n"
      "maxClientCnxns=0\n"
      "preAllocSize=1024\n";
  if (!ensemble.empty()) {
    cfg += "initLimit=25\nsyncLimit=10\nquorumListenOnAllIPs=false\n";
    for (size_t i = 0; i < ensemble.size(); ++i) {
      cfg += "server." + std::to_string(i + 1) + "=127.0.0.1:" + std::to_string(ensemble[i].peer) +
             ":" + std::to_string(ensemble[i].election) + "\n";
    }
    write_file(dir_ / "data" / "myid", std::to_string(id) + "\n");
  }
  write_file(dir_ / "conf" / "zoo.cfg", cfg);
  write_file(dir_ / "conf" / "log4j.properties", log4j_properties(log_path()));
}

void ZkMember::start() {
  if (process_ && process_->running()) return;
  process_.reset();
  std::filesystem::path conf = dir_ / "conf";
  std::vector<std::string> argv = {
      "java", "-Xmx64m", "-XX:+UseSerialGC",
      "-XX:TieredStopAtLevel=1",  // faster JVM start; tests are short
      "-XX:-UsePerfData",         // no /tmp/hsperfdata_* files
      "-Djava.net.preferIPv4Stack=true", "-Djava.io.tmpdir=" + dir_.string(),
      "-Dzookeeper.forceSync=no",
      // Exit (instead of lingering without elections) when the election port is taken.
      "-Dzookeeper.electionPortBindRetry=3",
      // Retry elections at least every second (default backs off to 60 s while peers start).
      "-Dzookeeper.fastleader.maxNotificationInterval=1000", "-cp", classpath(conf),
      "org.apache.zookeeper.server.quorum.QuorumPeerMain", (conf / "zoo.cfg").string()};
  process_ = std::make_unique<ChildProcess>(argv, dir_ / "jvm.out");
}

void ZkMember::kill() {
  if (process_) process_->kill_and_wait();
}

bool ZkMember::running() {
  return process_ && process_->running();
}

std::string ZkMember::mode() const {
  std::string srvr = four_letter_word(client_port_, "srvr");
  auto pos = srvr.find("Mode: ");
  if (pos == std::string::npos) return "";
  auto end = srvr.find('\n', pos);
  return srvr.substr(pos + 6, end == std::string::npos ? std::string::npos : end - pos - 6);
}

bool ZkMember::answers() const {
  return !four_letter_word(client_port_, "srvr").empty();
}

std::string ZkMember::describe_failure(const std::string& what) const {
  return with_log_tail(with_log_tail(what, dir_ / "jvm.out"), log_path());
}

}  // namespace scale::test::detail
