#include "cluster/ensemble.h"

#include <glog/logging.h>

#include <algorithm>
#include <map>
#include <sstream>
#include <vector>

namespace scale::cluster {
namespace {

// "b:2,a:1/chroot" and "a:1,b:2/chroot" name the same ensemble and namespace.
std::string ensemble_key(const std::string& connect_string) {
  const size_t slash = connect_string.find('/');
  const std::string servers = connect_string.substr(0, slash);
  const std::string chroot = slash == std::string::npos ? "" : connect_string.substr(slash);
  std::vector<std::string> hosts;
  std::stringstream list(servers);
  for (std::string host; std::getline(list, host, ',');) {
    if (!host.empty()) hosts.push_back(host);
  }
  std::sort(hosts.begin(), hosts.end());
  hosts.erase(std::unique(hosts.begin(), hosts.end()), hosts.end());
  std::string key;
  for (const auto& host : hosts) key += host + ",";
  return key + chroot;
}

struct SharedEnsemble {
  std::weak_ptr<Ensemble> ensemble;
  bool authenticated = false;
};

}  // namespace

Ensemble::Ensemble(Opener open) : open_(std::move(open)) {}

Ensemble::~Ensemble() {
  close();
}

std::shared_ptr<Ensemble> Ensemble::shared(const std::string& connect_string,
                                           std::chrono::milliseconds session_timeout,
                                           const std::optional<ZkAuth>& auth) {
  static std::mutex mutex;
  static std::map<std::string, SharedEnsemble> ensembles;
  const std::string key = ensemble_key(connect_string);
  std::lock_guard lock(mutex);
  SharedEnsemble& entry = ensembles[key];
  if (auto live = entry.ensemble.lock(); live && (entry.authenticated || !auth)) return live;
  auto made = std::make_shared<Ensemble>(
      [=] { return Session::open(connect_string, session_timeout, auth); });
  entry = SharedEnsemble{made, auth.has_value()};
  return made;
}

std::shared_ptr<Session> Ensemble::session() {
  std::lock_guard lock(mutex_);
  if (closed_) return nullptr;
  if (current_ && current_->state() != SessionState::Expired &&
      current_->state() != SessionState::Closed) {
    return current_;
  }
  current_.reset();
  try {
    current_ = open_();
    last_error_.clear();
  } catch (const std::exception& e) {
    if (last_error_ != e.what()) LOG(WARNING) << "zookeeper: cannot open a session: " << e.what();
    last_error_ = e.what();
  }
  return current_;
}

void Ensemble::close() {
  std::shared_ptr<Session> session;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    session = std::move(current_);
  }
  // Outside the lock: closing joins the client's threads, whose callbacks may ask for session().
  if (session) session->close();
}

bool Ensemble::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

std::string Ensemble::last_error() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

}  // namespace scale::cluster
