#include "cluster/master_detector.h"

#include <glog/logging.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>

namespace scale::cluster {
namespace {

constexpr std::string_view kJsonLabel = "json.info_";

bool is_json_member(const std::string& name) {
  if (name.rfind(kJsonLabel, 0) != 0 || name.size() == kJsonLabel.size()) return false;
  return std::all_of(name.begin() + kJsonLabel.size(), name.end(),
                     [](unsigned char c) { return std::isdigit(c); });
}

std::string string_member(const rapidjson::Value& object, const char* key) {
  auto it = object.FindMember(key);
  return it != object.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

int port_member(const rapidjson::Value& object) {
  auto it = object.FindMember("port");
  return it != object.MemberEnd() && it->value.IsInt() ? it->value.GetInt() : 0;
}

}  // namespace

std::optional<std::string> leading_master_node(const std::vector<std::string>& children) {
  std::optional<std::string> lowest;
  for (const auto& name : children) {
    if (!is_json_member(name)) continue;
    // Equal-length zero-padded sequences compare correctly as strings; compare lengths first in
    // case the counter outgrew its 10 digits.
    if (!lowest || name.size() < lowest->size() ||
        (name.size() == lowest->size() && name < *lowest)) {
      lowest = name;
    }
  }
  return lowest;
}

std::optional<MesosMasterAddress> parse_master_info(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  MesosMasterAddress address;
  auto nested = doc.FindMember("address");
  if (nested != doc.MemberEnd() && nested->value.IsObject()) {
    // The ip connects even where the masters' hostnames do not resolve, like Mesos' own client.
    address.host = string_member(nested->value, "ip");
    if (address.host.empty()) address.host = string_member(nested->value, "hostname");
    address.port = port_member(nested->value);
  }
  if (address.host.empty()) address.host = string_member(doc, "hostname");
  if (address.port == 0) address.port = port_member(doc);
  if (address.host.empty() || address.port <= 0) return std::nullopt;
  return address;
}

MasterDetector::MasterDetector(MasterDetectorOptions options) : options_(std::move(options)) {
  thread_ = std::thread([this] { run(); });
}

MasterDetector::~MasterDetector() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  changed_cv_.notify_all();
  thread_.join();
  watch_.cancel();
  client_.reset();
  session_.reset();
}

std::optional<MesosMasterAddress> MasterDetector::leader() const {
  std::lock_guard lock(mu_);
  return leader_;
}

bool MasterDetector::wait_for(
    const std::function<bool(const std::optional<MesosMasterAddress>&)>& accept,
    std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return changed_cv_.wait_for(lock, timeout, [&] { return accept(leader_); });
}

void MasterDetector::publish(std::optional<MesosMasterAddress> leader) {
  std::lock_guard lock(mu_);
  if (leader == leader_) return;
  if (leader) {
    LOG(INFO) << "Leading Mesos master: " << leader->host << ":" << leader->port << " ("
              << leader->node << ")";
  } else {
    LOG(WARNING) << "No leading Mesos master under " << options_.path;
  }
  leader_ = std::move(leader);
  changed_cv_.notify_all();
}

void MasterDetector::on_watch_fired() {
  std::lock_guard lock(mu_);
  wake_ = true;
  changed_cv_.notify_all();
}

void MasterDetector::run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    wake_ = false;
    lock.unlock();
    detect_once();
    lock.lock();
    changed_cv_.wait_for(lock, options_.poll_period, [this] { return stopping_ || wake_; });
  }
}

bool MasterDetector::ensure_session() {
  if (session_) {
    SessionState state = session_->state();
    if (state != SessionState::Expired && state != SessionState::Closed) return true;
    watch_.cancel();
    client_.reset();
    session_.reset();
    publish(std::nullopt);  // what we knew came from a session that is gone
  }
  try {
    session_ = ZkSession::open(options_.connect_string, options_.session_timeout);
  } catch (const std::exception& e) {
    LOG(WARNING) << "Mesos master detector cannot open ZooKeeper: " << e.what();
    return false;
  }
  client_ = client_of(*session_);
  // Not waiting for the connection here would just fail the first reads; waiting a little keeps
  // the first detection prompt.
  session_->wait_connected(options_.session_timeout);
  return true;
}

void MasterDetector::detect_once() {
  if (!ensure_session()) return;
  std::vector<std::string> children;
  ZkError error = client_->get_children(options_.path, &children);
  if (error == ZkError::NoNode) return publish(std::nullopt);
  if (error != ZkError::Ok) return;  // connection loss: keep the last answer until expiry
  std::optional<std::string> node = leading_master_node(children);
  if (!node) return publish(std::nullopt);
  std::string node_path = options_.path + "/" + *node;
  std::string data;
  if (client_->get(node_path, &data, nullptr) != ZkError::Ok) return on_watch_fired();
  std::optional<MesosMasterAddress> leader = parse_master_info(data);
  if (!leader) {
    LOG(WARNING) << "Unusable MasterInfo in " << node_path;
  } else {
    leader->node = *node;
  }
  publish(leader);
  // Deleted (leader gone) or data changed: detect again at once.
  Subscription watch;
  error = client_->exists(
      node_path, nullptr, [this](NodeEvent) { on_watch_fired(); }, &watch);
  watch_ = std::move(watch);
  if (error == ZkError::NoNode) on_watch_fired();  // vanished in between
}

}  // namespace scale::cluster
