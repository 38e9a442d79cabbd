#include "scheduler/mesos/recordio_decoder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace scale::mesos {
namespace {

std::string frame(const std::string& record) {
  return std::to_string(record.size()) + "\n" + record;
}

// Three records as they appear on a SUBSCRIBE stream (spec A.3: no delimiter after the data),
// including a multi-byte UTF-8 one whose length is in bytes.
const std::vector<std::string> kRecords = {
    R"({"type":"SUBSCRIBED","subscribed":{"framework_id":{"value":"F-1"},"heartbeat_interval_seconds":15.0}})",
    R"({"type":"HEARTBEAT"})",
    "{\"type\":\"ERROR\",\"error\":{\"message\":\"r\xC3\xB4le \xE2\x9C\x93\"}}",
};

std::string whole_stream() {
  std::string stream;
  for (const auto& r : kRecords) stream += frame(r);
  return stream;
}

TEST(RecordIoDecoder, DecodesTheSpecExampleWithoutTrailingDelimiter) {
  RecordIoDecoder decoder;
  std::vector<std::string> records;
  ASSERT_TRUE(decoder.feed("20\n{\"type\":\"HEARTBEAT\"}", &records));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0], R"({"type":"HEARTBEAT"})");
  EXPECT_EQ(decoder.buffered_bytes(), 0u);
}

TEST(RecordIoDecoder, EverySplitPointDecodesIdentically) {
  const std::string stream = whole_stream();
  for (size_t cut = 0; cut <= stream.size(); ++cut) {
    RecordIoDecoder decoder;
    std::vector<std::string> records;
    ASSERT_TRUE(decoder.feed(std::string_view(stream).substr(0, cut), &records));
    ASSERT_TRUE(decoder.feed(std::string_view(stream).substr(cut), &records));
    EXPECT_EQ(records, kRecords) << "cut at byte " << cut;
  }
}

TEST(RecordIoDecoder, EveryPairOfSplitPointsDecodesIdentically) {
  const std::string stream = whole_stream();
  for (size_t a = 0; a <= stream.size(); ++a) {
    for (size_t b = a; b <= stream.size(); ++b) {
      RecordIoDecoder decoder;
      std::vector<std::string> records;
      ASSERT_TRUE(decoder.feed(std::string_view(stream).substr(0, a), &records));
      ASSERT_TRUE(decoder.feed(std::string_view(stream).substr(a, b - a), &records));
      ASSERT_TRUE(decoder.feed(std::string_view(stream).substr(b), &records));
      ASSERT_EQ(records, kRecords) << "cuts at " << a << " and " << b;
    }
  }
}

TEST(RecordIoDecoder, OneByteChunksDecodeIdentically) {
  const std::string stream = whole_stream();
  RecordIoDecoder decoder;
  std::vector<std::string> records;
  for (char c : stream) ASSERT_TRUE(decoder.feed(std::string_view(&c, 1), &records));
  EXPECT_EQ(records, kRecords);
}

TEST(RecordIoDecoder, SkipsEmptyLengthLines) {
  RecordIoDecoder decoder;
  std::vector<std::string> records;
  ASSERT_TRUE(decoder.feed("\n\n2\nab\n1\nc", &records));
  EXPECT_EQ(records, (std::vector<std::string>{"ab", "c"}));
}

TEST(RecordIoDecoder, KeepsPartialRecordBuffered) {
  RecordIoDecoder decoder;
  std::vector<std::string> records;
  ASSERT_TRUE(decoder.feed("10\nabc", &records));
  EXPECT_TRUE(records.empty());
  EXPECT_EQ(decoder.buffered_bytes(), 3u);
}

struct MalformedCase {
  const char* name;
  std::string bytes;
};

class RecordIoMalformed : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(RecordIoMalformed, IsAnErrorNotACrash) {
  RecordIoDecoder decoder(1024);
  std::vector<std::string> records;
  EXPECT_FALSE(decoder.feed(GetParam().bytes, &records));
  EXPECT_TRUE(decoder.failed());
  EXPECT_FALSE(decoder.error().empty());
  // A failed decoder stays failed: nothing after a framing error is trusted.
  EXPECT_FALSE(decoder.feed("2\nok", &records));
  EXPECT_TRUE(records.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Lengths, RecordIoMalformed,
    ::testing::Values(MalformedCase{"NonDigit", "1a\n{}"}, MalformedCase{"Negative", "-5\n"},
                      MalformedCase{"Spaces", " 5\nhello"}, MalformedCase{"Zero", "0\n"},
                      MalformedCase{"Overflow", "18446744073709551616\n"},
                      MalformedCase{"LongLine", "000000000000000000000000001\n"},
                      MalformedCase{"AboveCap", "1025\n"},
                      MalformedCase{"RawJsonWithoutLength", "{\"type\":\"HEARTBEAT\"}"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(RecordIoDecoder, RecordsBeforeAnErrorAreStillReturned) {
  RecordIoDecoder decoder;
  std::vector<std::string> records;
  EXPECT_FALSE(decoder.feed("2\nokx\n", &records));
  EXPECT_EQ(records, std::vector<std::string>{"ok"});
}

TEST(RecordIoDecoder, LengthAtTheCapIsAccepted) {
  RecordIoDecoder decoder(4);
  std::vector<std::string> records;
  EXPECT_TRUE(decoder.feed("4\nabcd", &records));
  EXPECT_EQ(records, std::vector<std::string>{"abcd"});
}

}  // namespace
}  // namespace scale::mesos
