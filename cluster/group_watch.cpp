// The group's watched member list: a child watch on the group's path (an exists watch until the
// path is created), each member's data read once, and the list handed to every watcher when it
// changes. The listing runs on the group's thread whenever a watch fires.
#include "cluster/group.h"

namespace scale::cluster {

Subscription Group::watch(MembersCallback callback) {
  Subscription subscription;
  {
    auto lock = watchers_.lock();
    callback(watched_);
    subscription = watchers_.add_locked(std::move(callback));
  }
  members_changed();
  return subscription;
}

std::vector<Member> Group::watched() const {
  auto lock = watchers_.lock();
  return watched_;
}

void Group::members_changed() {
  {
    std::lock_guard lock(mutex_);
    members_due_ = true;
    ++wakes_;
  }
  changed_.notify_all();
}

bool Group::refresh_members(Session& session) {
  {
    std::lock_guard lock(mutex_);
    if (!members_due_) return true;
    members_due_ = false;
  }
  if (watchers_.empty()) return true;
  const auto again = [this](NodeEvent) { members_changed(); };
  std::vector<std::string> children;
  Subscription watch;
  ZkError error = session.get_children(path_, &children, again, &watch);
  if (error == ZkError::NoNode) {
    // Nobody has created the group yet: its creation is what to wait for.
    error = session.exists(path_, nullptr, again, &watch);
    members_watch_ = std::move(watch);
    if (error == ZkError::Ok) members_changed();  // created in between: list it
    if (error == ZkError::NoNode) publish({});
    return error == ZkError::Ok || error == ZkError::NoNode;
  }
  if (error == ZkError::Ok) members_watch_ = std::move(watch);
  std::vector<Member> ranked = rank_members(children, names_);
  if (error == ZkError::Ok && read_members(session, &ranked)) {
    publish(std::move(ranked));
    return true;
  }
  members_changed();
  return false;
}

bool Group::read_members(Session& session, std::vector<Member>* ranked) {
  std::vector<Member> read;
  std::map<std::string, std::string> data;
  for (Member& member : *ranked) {
    // A member's data never changes: only newcomers cost a round trip.
    if (auto known = data_.find(member.name); known != data_.end()) {
      member.data = known->second;
    } else if (const ZkError error = session.get(path_of(member.name), &member.data, nullptr);
               error == ZkError::NoNode) {
      continue;  // left between the listing and the read
    } else if (error != ZkError::Ok) {
      return false;
    }
    data[member.name] = member.data;
    read.push_back(std::move(member));
  }
  data_ = std::move(data);
  *ranked = std::move(read);
  return true;
}

void Group::publish(std::vector<Member> members) {
  auto lock = watchers_.lock();
  if (members == watched_) return;
  watched_ = std::move(members);
  watchers_.notify_locked(watched_);
}

}  // namespace scale::cluster
