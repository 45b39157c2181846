// InputStream::copyNewest: the copies a stage's rehearsal decodes again, taken from a real ring
// through a real OutputStream, without moving the reader.
#include <gtest/gtest.h>

#include <filesystem>

#include "common/process/process_runtime.h"
#include "common/process/streams.h"
#include "common/ring/ring_segment.h"
#include "support/unique_name.h"

namespace rrr::testing {
namespace {

class StreamsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    run_dir_ = std::filesystem::temp_directory_path() / uniqueName("rrr-streams-test");
    std::filesystem::create_directories(run_dir_);
    process::ProcessContext context;
    context.name = "test";
    context.run_dir = run_dir_;
    context.data_dir = run_dir_;
    context.backup_dir = run_dir_;
    context.ring_prefix = uniqueName("rrr-streams-") + "-";
    ring_ = context.ringName("md");
    auto created = ring::RingSegment::create(ring_, ring::RingConfig{512, 8});
    ASSERT_TRUE(created.ok()) << created.error().message;
    runtime_.emplace(std::move(context));
  }
  void TearDown() override {
    runtime_.reset();
    ring::RingSegment::remove(ring_);
    std::filesystem::remove_all(run_dir_);
  }

  // A bar whose open time is `minute` minutes.
  void publishBar(process::OutputStream& out, std::int64_t minute) {
    auto& fbb = out.startMessage();
    const std::int64_t open_ns = minute * 60'000'000'000;
    const auto bar = msg::CreateBar(fbb, fbb.CreateString("BTCUSDT"), 60, open_ns, 1, 2, 1, 2, 3, 4, 5,
                                    static_cast<std::uint64_t>(minute));
    ASSERT_EQ(out.publish(bar, open_ns + 60'000'000'000), ring::PublishStatus::kOk);
  }

  static std::vector<std::int64_t> minutesOf(const std::vector<process::InputStream::Copy>& copies) {
    std::vector<std::int64_t> minutes;
    for (const auto& copy : copies) minutes.push_back(copy.envelope->body_as_Bar()->open_time_ns() / 60'000'000'000);
    return minutes;
  }

  std::filesystem::path run_dir_;
  std::string ring_;
  std::optional<process::ProcessRuntime> runtime_;
};

TEST_F(StreamsTest, CopyNewestGivesTheNewestMessagesOldestFirstWithoutTakingThem) {
  auto out = process::OutputStream::open(*runtime_, "md");
  ASSERT_TRUE(out.ok()) << out.error().message;
  auto in = process::InputStream::attach(*runtime_, "md", ring::ConsumerKind::kDurable);
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_TRUE(in->copyNewest(3).empty()) << "an empty ring has nothing to copy";
  EXPECT_FALSE(in->copyNewest().has_value());

  for (std::int64_t minute = 1; minute <= 5; ++minute) publishBar(*out, minute);
  EXPECT_EQ(minutesOf(in->copyNewest(3)), (std::vector<std::int64_t>{3, 4, 5}));
  EXPECT_EQ(minutesOf(in->copyNewest(50)), (std::vector<std::int64_t>{1, 2, 3, 4, 5})) << "fewer when the ring holds fewer";
  EXPECT_TRUE(in->copyNewest(0).empty());
  ASSERT_TRUE(in->copyNewest().has_value());
  EXPECT_EQ(in->copyNewest()->envelope->body_as_Bar()->open_time_ns(), 5 * 60'000'000'000);
  EXPECT_EQ(in->lag().lag, 5u) << "nothing was taken";

  std::uint64_t sequence = 0;
  const auto* first = in->peek(sequence);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(sequence, 0u) << "the reader still starts at the oldest";
}

TEST_F(StreamsTest, CopyNewestLeavesOutWhatDoesNotDecodeAndWhatTheRingOverwrote) {
  auto out = process::OutputStream::open(*runtime_, "md");
  ASSERT_TRUE(out.ok()) << out.error().message;
  // No reader: the producer wraps the 8-slot ring freely.
  for (std::int64_t minute = 1; minute <= 10; ++minute) publishBar(*out, minute);
  const std::vector<std::byte> garbage(40, std::byte{0x5a});
  ASSERT_TRUE(out->producer().offer(garbage).ok());
  publishBar(*out, 11);

  auto in = process::InputStream::attach(*runtime_, "md", ring::ConsumerKind::kLossy);
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_EQ(minutesOf(in->copyNewest(3)), (std::vector<std::int64_t>{10, 11})) << "the bad buffer is left out";
  // Twelve published on eight slots: the oldest four are gone, and the bad one is left out.
  EXPECT_EQ(minutesOf(in->copyNewest(12)), (std::vector<std::int64_t>{5, 6, 7, 8, 9, 10, 11}));
}

}  // namespace
}  // namespace rrr::testing
