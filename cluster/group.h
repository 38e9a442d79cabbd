#pragma once

// ZooKeeper group membership at one path, and nothing else: join (an EPHEMERAL|SEQUENTIAL node
// with data), cancel, list and watch the members. Mesos' zookeeper::Group is the model: one state
// enum checked at the top of every step, a named retry interval, and a session-expiry timer of its
// own while disconnected (the client hears of an expiry only once it reconnects).
//
// Liveness: a member's node outlives a process that is wedged but whose ZooKeeper client still
// answers pings. So a group given a refresh interval rewrites the data of the members it joined
// every interval (the same bytes: only the node's mtime moves, and a data change fires no child
// watch, so nobody sees a membership change) and reads when each watched member last did.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "cluster/ensemble.h"
#include "cluster/members.h"
#include "cluster/session.h"
#include "cluster/subscription.h"

namespace scale::cluster {

// The group's view of its session.
//   Connecting: no session connected yet (the first one, or a new one after an expiry).
//   Connected:  every operation may go ahead.
//   Suspended:  connection lost; the session may still be alive.
//   TimedOut:   suspended for longer than the session timeout: the ensemble has most likely
//               expired the session, so what this process holds in the group counts as lost.
//               If the session comes back after all the group is Connected again.
//   Expired:    the session is gone; the group is getting a new one from its ensemble.
//   Closed:     the ensemble was closed. Terminal.
enum class GroupState { Connecting, Connected, Suspended, TimedOut, Expired, Closed };
const char* to_string(GroupState state);

// Thread-safe. Operations are synchronous, one round trip each, and fail at once (without asking
// ZooKeeper) unless the group is Connected: ConnectionLoss while the session may come back,
// SessionExpired or Closed when it will not. A thread of the group's own runs the expiry timer,
// replaces an expired session, carries out cancels that had to wait, and keeps the watched
// member list current. Create with std::make_shared: terms and detectors share ownership.
class Group : public std::enable_shared_from_this<Group> {
 public:
  // Pause before an operation that failed is tried again.
  static constexpr std::chrono::milliseconds kRetryInterval{100};

  using StateCallback = std::function<void(GroupState)>;
  using MembersCallback = std::function<void(const std::vector<Member>&)>;

  using WallClock = std::chrono::system_clock;

  // `refresh_interval`: how often the members this group joined prove they are alive (see
  // Liveness above); zero: never, and refreshed() stays empty.
  Group(std::shared_ptr<Ensemble> ensemble, const std::string& path, MemberNames names,
        std::chrono::milliseconds refresh_interval = {});
  ~Group();
  Group(const Group&) = delete;
  Group& operator=(const Group&) = delete;

  const std::string& path() const { return path_; }
  const MemberNames& names() const { return names_; }
  std::string path_of(const std::string& member) const;
  GroupState state() const;
  long long session_id() const;
  std::chrono::milliseconds session_timeout() const;
  // Called on every state change, on the ZooKeeper client's thread or the group's: keep it short
  // and call no operation from it.
  Subscription subscribe(StateCallback callback);

  // Creates the group's path if missing; with a credential, an open ACL on it is restricted.
  ZkError prepare();
  // Protected join: adopts a member carrying `tag` (a create whose reply was lost) before it
  // creates "<label><tag>-<sequence>" with `data`; extra members of the tag are cancelled.
  ZkError join(const std::string& tag, const std::string& data, Member* joined);
  // One listing, lowest sequence first, without data.
  ZkError members(std::vector<Member>* ranked);
  ZkError read(Member* member);
  // The member's node, with a one-shot watch when `watch` is given (see Session::exists).
  ZkError stat(const std::string& member, ZkStat* stat, Session::WatchCallback watch = nullptr,
               Subscription* watch_subscription = nullptr);
  // Deletes the member's node now, or once the session is back; forgotten with the session.
  ZkError cancel(const std::string& member);

  // Every member with its data, lowest first: at once on this thread with what is known now,
  // then on the group's thread whenever the list changes (a child watch, no polling). Empty while
  // the group is not Connected.
  Subscription watch(MembersCallback callback);
  std::vector<Member> watched() const;
  // When each watched member last refreshed its node, by member name, as read at this group's
  // last refresh: the server's mtime moved onto this process' wall clock by the offset measured
  // on its own refresh (so the ages it gives do not depend on the server's clock being right).
  std::map<std::string, WallClock::time_point> refreshed() const;

 private:
  using Clock = std::chrono::steady_clock;

  void on_session(uint64_t generation, SessionState state);
  // Moves to what `decide` makes of the current state (decided under the lock, from the session's
  // or the group's thread), runs the new state's entry actions and tells the subscribers.
  template <typename Decide>
  void transition(Decide decide);
  ZkError refusal() const;  // what an operation answers in the current state
  std::shared_ptr<Session> connected_session(ZkError* refused) const;
  void adopt(std::shared_ptr<Session> session);
  void run(std::stop_token stop);
  Clock::time_point step(GroupState state);
  bool carry_out_cancels(Session& session);
  bool refresh_members(Session& session);
  bool read_members(Session& session, std::vector<Member>* ranked);
  Clock::time_point refresh_liveness(Session& session, Clock::time_point now);
  void read_liveness(Session& session);
  void publish(std::vector<Member> members);
  void members_changed();

  const std::shared_ptr<Ensemble> ensemble_;
  const std::string path_;
  const MemberNames names_;
  const std::chrono::milliseconds refresh_interval_;

  mutable std::mutex mutex_;
  std::condition_variable_any changed_;
  uint64_t wakes_ = 0;  // counts wake(), so none is missed between a step and its wait
  GroupState state_ = GroupState::Connecting;
  std::shared_ptr<Session> session_;
  uint64_t generation_ = 0;  // of session_: callbacks of an older session are ignored
  Clock::time_point suspended_since_;
  std::set<std::string> cancels_;              // members to delete once Connected
  bool members_due_ = false;                   // the watched list must be read again
  std::map<std::string, std::string> joined_;  // members joined and not cancelled: their data
  std::map<std::string, WallClock::time_point> refreshed_;

  Subscribers<GroupState> subscribers_;
  mutable Subscribers<const std::vector<Member>&> watchers_;
  std::vector<Member> watched_;  // under the watchers' lock
  Subscription session_subscription_;
  Subscription members_watch_;               // the group's thread only
  std::map<std::string, std::string> data_;  // the group's thread only: data by member name
  Clock::time_point next_refresh_{};         // the group's thread only
  WallClock::duration server_offset_{};      // the group's thread only: wall clock - mtime
  std::jthread thread_;
};

}  // namespace scale::cluster
