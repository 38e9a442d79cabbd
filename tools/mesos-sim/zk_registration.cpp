#include "zk_registration.h"

#include <glog/logging.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <chrono>

namespace mesos_sim {
namespace {

constexpr const char* kLabel = "json.info_";
constexpr int kSessionTimeoutMs = 4000;

}  // namespace

std::optional<std::string> leader_address(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  auto text = [](const rapidjson::Value& obj, const char* key) -> std::string {
    auto it = obj.FindMember(key);
    return it != obj.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
  };
  auto number = [](const rapidjson::Value& obj, const char* key) -> int {
    auto it = obj.FindMember(key);
    return it != obj.MemberEnd() && it->value.IsInt() ? it->value.GetInt() : 0;
  };
  std::string host = text(doc, "hostname");
  int port = number(doc, "port");
  if (auto address = doc.FindMember("address");
      address != doc.MemberEnd() && address->value.IsObject()) {
    std::string h = text(address->value, "hostname");
    if (h.empty()) h = text(address->value, "ip");
    if (!h.empty()) host = h;
    if (int p = number(address->value, "port"); p > 0) port = p;
  }
  if (host.empty() || port <= 0) return std::nullopt;
  return host + ":" + std::to_string(port);
}

std::string lowest_member(const std::vector<std::string>& children) {
  std::string best;
  for (const auto& child : children) {
    if (child.rfind(kLabel, 0) != 0) continue;  // log_replicas and other labels are ignored
    if (best.empty() ||
        child.substr(sizeof("json.info_") - 1) < best.substr(sizeof("json.info_") - 1)) {
      best = child;
    }
  }
  return best;
}

ZkRegistration::ZkRegistration(ZkUrl url, std::string master_info_json, LeaderView& view)
    : url_(std::move(url)), data_(std::move(master_info_json)), view_(view) {
  view_.set({false, std::nullopt});  // 503 until the group is read
  zoo_set_debug_level(ZOO_LOG_LEVEL_ERROR);
  thread_ = std::thread([this] { run(); });
}

ZkRegistration::~ZkRegistration() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (zh_) zookeeper_close(zh_);
}

void ZkRegistration::on_event(zhandle_t*, int, int, const char*, void* context) {
  static_cast<ZkRegistration*>(context)->wake();
}

void ZkRegistration::wake() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    dirty_ = true;
  }
  changed_.notify_all();
}

bool ZkRegistration::connect() {
  if (zh_ && zoo_state(zh_) == ZOO_EXPIRED_SESSION_STATE) {
    zookeeper_close(zh_);
    zh_ = nullptr;
    node_.clear();
    view_.set({false, std::nullopt});
  }
  if (!zh_) {
    zh_ = zookeeper_init(url_.hosts.c_str(), &ZkRegistration::on_event, kSessionTimeoutMs, nullptr,
                         this, 0);
    if (!zh_) return false;
  }
  return zoo_state(zh_) == ZOO_CONNECTED_STATE;
}

void ZkRegistration::ensure_path() {
  for (size_t slash = url_.path.find('/', 1);; slash = url_.path.find('/', slash + 1)) {
    std::string prefix = url_.path.substr(0, slash);
    zoo_create(zh_, prefix.c_str(), "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, nullptr, 0);
    if (slash == std::string::npos) break;
  }
}

void ZkRegistration::refresh() {
  String_vector children{};
  if (zoo_wget_children(zh_, url_.path.c_str(), &ZkRegistration::on_event, this, &children) !=
      ZOK) {
    return;
  }
  std::vector<std::string> names(children.data, children.data + children.count);
  deallocate_String_vector(&children);
  bool registered = !node_.empty() && std::find(names.begin(), names.end(), node_) != names.end();
  if (!registered) {
    std::string prefix = url_.path + "/" + kLabel;
    char created[512];
    int rc =
        zoo_create(zh_, prefix.c_str(), data_.data(), static_cast<int>(data_.size()),
                   &ZOO_OPEN_ACL_UNSAFE, ZOO_EPHEMERAL | ZOO_SEQUENCE, created, sizeof(created));
    if (rc != ZOK) return;
    node_ = std::string(created).substr(url_.path.size() + 1);
    LOG(INFO) << "registered in ZooKeeper as " << created;
    wake();  // read the group again, with our node in it
    return;
  }
  std::string lowest = lowest_member(names);
  if (lowest == node_) {
    view_.set({true, std::nullopt});
    return;
  }
  char buffer[4096];
  int length = sizeof(buffer);
  std::string path = url_.path + "/" + lowest;
  if (zoo_wget(zh_, path.c_str(), &ZkRegistration::on_event, this, buffer, &length, nullptr) ==
          ZOK &&
      length > 0) {
    view_.set({false, leader_address(std::string(buffer, length))});
  }
}

void ZkRegistration::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    dirty_ = false;
    lock.unlock();
    if (connect()) {
      if (node_.empty()) ensure_path();
      refresh();
    }
    lock.lock();
    changed_.wait_for(lock, std::chrono::milliseconds(500), [this] { return stopping_ || dirty_; });
  }
}

}  // namespace mesos_sim
