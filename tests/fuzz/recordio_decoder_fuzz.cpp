// RecordIoDecoder (scheduler/mesos/recordio_decoder.*) on arbitrary bytes cut into arbitrary
// chunks. HTTP chunk boundaries are unrelated to record boundaries, so whatever the cuts:
// - the records, the verdict and what stays buffered equal those of the whole stream at once;
// - they equal those of a reference decoder written here from the spec (A.3), record by record;
// - a failed decoder accepts nothing more;
// - payloads framed by us (the input cut at NUL bytes) come back exactly.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scheduler/mesos/recordio_decoder.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using scale::fuzz::chunk_sizes;
using scale::mesos::RecordIoDecoder;

struct Outcome {
  std::vector<std::string> records;
  bool ok = true;
  std::string error;
  size_t buffered = 0;  // meaningful only while ok
};

Outcome decode(std::string_view stream, const std::vector<size_t>& sizes, uint64_t cap) {
  RecordIoDecoder decoder(cap);
  Outcome out;
  size_t pos = 0;
  for (size_t size : sizes) {
    const size_t before = out.records.size();
    const bool fed = decoder.feed(stream.substr(pos, size), &out.records);
    pos += size;
    FUZZ_CHECK(fed == !decoder.failed(), "feed() and failed() disagree");
    if (!out.ok) {
      FUZZ_CHECK(!fed && out.records.size() == before, "a failed decoder took more input");
    }
    out.ok = out.ok && fed;
  }
  FUZZ_CHECK(pos == stream.size(), "chunk sizes do not cover the stream");
  out.error = decoder.error();
  out.buffered = out.ok ? decoder.buffered_bytes() : 0;
  FUZZ_CHECK(out.ok == out.error.empty(), "failed without a reason, or a reason without failing");
  return out;
}

// The spec's framing, written independently of the decoder: "<decimal length>\n<bytes>"
// repeated; empty length lines are skipped (as the reference decoder does); a length line is 1 to
// 20 digits (more cannot be a uint64) and its value 1..cap; a non-digit in a length line fails at
// once, the value is judged at its '\n'.
Outcome reference_decode(std::string_view stream, uint64_t cap) {
  Outcome out;
  size_t i = 0;
  while (i < stream.size()) {
    std::string digits;
    while (i < stream.size() && stream[i] != '\n') {
      const char c = stream[i++];
      if (c < '0' || c > '9' || digits.size() == RecordIoDecoder::kMaxLengthLineBytes) {
        out.ok = false;
        return out;
      }
      digits.push_back(c);
    }
    if (i == stream.size()) {  // length line cut: held back for the next chunk
      out.buffered = digits.size();
      return out;
    }
    ++i;  // the '\n'
    if (digits.empty()) continue;
    std::optional<uint64_t> length = 0;
    for (char d : digits) {
      const uint64_t digit = static_cast<uint64_t>(d - '0');
      if (*length > (UINT64_MAX - digit) / 10) {
        length.reset();
        break;
      }
      length = *length * 10 + digit;
    }
    if (!length || *length == 0 || *length > cap) {
      out.ok = false;
      return out;
    }
    const size_t available = stream.size() - i;
    if (available < *length) {  // record cut: held back
      out.buffered = available;
      return out;
    }
    out.records.emplace_back(stream.substr(i, *length));
    i += *length;
  }
  return out;
}

std::string describe(const Outcome& o) {
  std::string text = (o.ok ? "ok" : "failed (" + o.error + ")") + std::string(", ") +
                     std::to_string(o.records.size()) + " records, " + std::to_string(o.buffered) +
                     " buffered";
  return text;
}

void check_same(const Outcome& expected, const Outcome& actual, const char* how) {
  const std::string what =
      std::string(how) + ": expected " + describe(expected) + ", got " + describe(actual);
  FUZZ_CHECK(actual.ok == expected.ok, what);
  FUZZ_CHECK(actual.records == expected.records, what);
  FUZZ_CHECK(!actual.ok || actual.buffered == expected.buffered, what);
}

void check_stream(std::string_view stream, uint64_t cap) {
  const Outcome whole = decode(stream, {stream.size()}, cap);
  const Outcome reference = reference_decode(stream, cap);
  check_same(reference, whole, "whole stream vs reference decoder");
  for (const auto& record : whole.records) {
    FUZZ_CHECK(!record.empty() && record.size() <= cap, "record size outside 1..cap");
  }

  const Outcome bytewise = decode(stream, std::vector<size_t>(stream.size(), 1), cap);
  check_same(whole, bytewise, "one byte at a time vs whole");
  FUZZ_CHECK(bytewise.error == whole.error,
             "the error depends on the cuts: " + bytewise.error + " vs " + whole.error);
  for (size_t max_chunk : {7, 64, 4096}) {
    const Outcome cut = decode(stream, chunk_sizes(stream, max_chunk), cap);
    check_same(whole, cut, "random cuts vs whole");
    FUZZ_CHECK(cut.error == whole.error, "the error depends on the cuts: " + cut.error);
  }
}

// Payloads cut out of the input at NUL bytes, framed as Mesos would (with an empty length line
// now and then, which the decoder must skip), must decode to themselves.
void check_round_trip(std::string_view input) {
  std::vector<std::string> payloads;
  std::string framed;
  size_t start = 0;
  while (start <= input.size()) {
    size_t end = input.find('\0', start);
    if (end == std::string_view::npos) end = input.size();
    if (end > start) {
      payloads.emplace_back(input.substr(start, end - start));
      if (payloads.size() % 3 == 0) framed += "\n";
      framed += std::to_string(payloads.back().size()) + "\n" + payloads.back();
    }
    start = end + 1;
  }
  const Outcome decoded =
      decode(framed, chunk_sizes(framed, 32), RecordIoDecoder::kDefaultMaxRecordBytes);
  FUZZ_CHECK(decoded.ok && decoded.buffered == 0, "framed payloads: " + describe(decoded));
  FUZZ_CHECK(decoded.records == payloads, "framed payloads decode to something else");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = scale::fuzz::as_text(data, size);
  check_stream(input, RecordIoDecoder::kDefaultMaxRecordBytes);
  check_stream(input, 16);  // a small cap, so "above the cap" is reachable with short inputs
  check_round_trip(input);
  return 0;
}
