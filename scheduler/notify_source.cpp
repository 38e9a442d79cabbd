#include "scheduler/notify_source.h"

namespace scale::scheduler {

PgNotifySource::PgNotifySource(std::string conninfo, Standby& standby)
    : conninfo_(std::move(conninfo)) {
  if (!standby.listener || !standby.relay) return;
  relay_ = std::move(standby.relay);
  listener_ = std::move(standby.listener);
  adopted_ = true;
}

void PgNotifySource::start(Callback callback) {
  if (relay_) {
    // Attached before the load: what the relay dropped until now is in that load.
    relay_->attach(std::move(callback));
    return;
  }
  if (listener_) return;
  listener_ = std::make_unique<NotifyListener>(
      conninfo_, leader_channels(),
      [callback = std::move(callback)](db::Connection&, const db::Notification& n) {
        callback(n);
      });
}

bool PgNotifySource::wait_listening(std::chrono::milliseconds timeout) {
  return listener_ && listener_->wait_listening(timeout);
}

}  // namespace scale::scheduler
