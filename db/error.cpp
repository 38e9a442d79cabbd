#include "db/error.h"

namespace scale::db {

FencedOut::FencedOut(long long term_epoch, long long stored_epoch)
    : Error("db: fenced out: this term's epoch is " + std::to_string(term_epoch) +
            " but the leadership row holds epoch " + std::to_string(stored_epoch)),
      term_epoch_(term_epoch),
      stored_epoch_(stored_epoch) {}

}  // namespace scale::db
