#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace scale::mesos {

// Splits a RecordIO byte stream ("<decimal length>\n<length bytes>" repeated, no trailing
// delimiter) into records. HTTP chunk boundaries are unrelated to record boundaries, so bytes are
// buffered across feed() calls, including a length line cut in the middle. Pure: no I/O.
class RecordIoDecoder {
 public:
  // Records larger than this are treated as a corrupt stream rather than allocated: a garbage
  // length line must not make us reserve gigabytes.
  static constexpr uint64_t kDefaultMaxRecordBytes = 64ull * 1024 * 1024;
  // A length line longer than this cannot be a valid uint64 with any sane record cap.
  static constexpr size_t kMaxLengthLineBytes = 20;

  explicit RecordIoDecoder(uint64_t max_record_bytes = kDefaultMaxRecordBytes)
      : max_record_bytes_(max_record_bytes) {}

  // Appends every record completed by `bytes` to *records. Returns false once the stream is
  // malformed (the reason is in error()); the decoder then stays failed and ignores input, since
  // nothing after a framing error can be trusted.
  bool feed(std::string_view bytes, std::vector<std::string>* records);

  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  // Bytes of an incomplete record or length line held back for the next feed().
  size_t buffered_bytes() const { return length_line_.size() + record_.size(); }

 private:
  bool consume_length_byte(char c);
  bool fail(std::string reason);

  uint64_t max_record_bytes_;
  std::string length_line_;      // digits of the length line seen so far
  bool reading_record_ = false;  // true between a complete length line and the record's end
  uint64_t record_size_ = 0;
  std::string record_;
  std::string error_;
};

}  // namespace scale::mesos
