#include "scheduler/mesos/recordio_decoder.h"

#include <algorithm>
#include <charconv>

namespace scale::mesos {

bool RecordIoDecoder::fail(std::string reason) {
  error_ = std::move(reason);
  length_line_.clear();
  record_.clear();
  return false;
}

// Handles one byte of a length line. Returns false on a framing error.
bool RecordIoDecoder::consume_length_byte(char c) {
  if (c == '\n') {
    // The reference decoder tolerates empty length lines; so do we.
    if (length_line_.empty()) return true;
    uint64_t size = 0;
    const char* end = length_line_.data() + length_line_.size();
    auto [ptr, ec] = std::from_chars(length_line_.data(), end, size);
    if (ec != std::errc() || ptr != end) return fail("record length overflows: " + length_line_);
    if (size == 0) return fail("record length 0 is not allowed");
    if (size > max_record_bytes_) {
      return fail("record length " + length_line_ + " exceeds the cap of " +
                  std::to_string(max_record_bytes_) + " bytes");
    }
    length_line_.clear();
    record_size_ = size;
    reading_record_ = true;
    record_.reserve(std::min<uint64_t>(size, 1u << 20));
    return true;
  }
  if (c < '0' || c > '9') {
    return fail("record length contains a non-digit byte " +
                std::to_string(static_cast<int>(static_cast<unsigned char>(c))));
  }
  if (length_line_.size() >= kMaxLengthLineBytes) return fail("record length line too long");
  length_line_.push_back(c);
  return true;
}

bool RecordIoDecoder::feed(std::string_view bytes, std::vector<std::string>* records) {
  if (failed()) return false;
  size_t pos = 0;
  while (pos < bytes.size()) {
    if (!reading_record_) {
      if (!consume_length_byte(bytes[pos++])) return false;
      continue;
    }
    size_t wanted = record_size_ - record_.size();
    size_t take = std::min(wanted, bytes.size() - pos);
    record_.append(bytes.data() + pos, take);
    pos += take;
    if (record_.size() == record_size_) {
      records->push_back(std::move(record_));
      record_.clear();
      reading_record_ = false;
    }
  }
  return true;
}

}  // namespace scale::mesos
