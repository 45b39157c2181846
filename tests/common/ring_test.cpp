// The ring within one process: layout checks, ownership, ordering, back-pressure, lapping.
// How readers are woken: ring_wake_test.cpp.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <thread>

#include "common/ring/ring_consumer.h"
#include "common/ring/ring_producer.h"
#include "ring_fixture.h"

namespace rrr::ring {
namespace {

using rrr::testing::payloadOf;
using rrr::testing::RingFixture;

std::uint64_t valueOf(const RingMessage& message) {
  std::uint64_t value = 0;
  std::memcpy(&value, message.payload.data(), sizeof(value));
  return value;
}

class RingTest : public RingFixture {};

TEST_F(RingTest, RejectsConfigThatIsNotAPowerOfTwoOrSlotNotMultipleOf64) {
  EXPECT_EQ(RingSegment::create("rrr-test-bad", RingConfig{128, 100}).error().code, RingError::kInvalidConfig);
  EXPECT_EQ(RingSegment::create("rrr-test-bad", RingConfig{100, 64}).error().code, RingError::kInvalidConfig);
  EXPECT_EQ(RingSegment::create("bad/name", RingConfig{128, 64}).error().code, RingError::kInvalidName);
}

TEST_F(RingTest, OpeningAMissingRingSaysNotFound) {
  const auto result = RingSegment::open("rrr-test-no-such-ring");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, RingError::kNotFound);
  EXPECT_NE(result.error().message.find("rrr-test-no-such-ring"), std::string::npos);
}

TEST_F(RingTest, CreatingAnExistingRingFails) {
  createRing(16);
  EXPECT_EQ(RingSegment::create(ringName(), RingConfig{128, 16}).error().code, RingError::kAlreadyExists);
}

TEST_F(RingTest, OpeningASegmentOfAnotherLayoutVersionIsAClearError) {
  createRing(16);
  // The layout version is the 32-bit word after the 64-bit magic.
  auto* base = reinterpret_cast<std::uint32_t*>(&segment().header());
  base[2] = 99;
  const auto result = RingSegment::open(ringName());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, RingError::kLayoutMismatch);
  EXPECT_NE(result.error().message.find("layout version 99"), std::string::npos) << result.error().message;
}

TEST_F(RingTest, DeliversEveryMessageInOrderWithItsBytes) {
  createRing(8);
  auto sut_producer = RingProducer::open(ringName());
  auto consumer = RingConsumer::attach(ringName(), "reader", ConsumerKind::kDurable);
  ASSERT_TRUE(sut_producer.ok() && consumer.ok());
  for (std::uint64_t i = 0; i < 100; ++i) {
    ASSERT_TRUE(sut_producer->offer(payloadOf(i * 7, 8 + i % 50)).ok());
    const auto message = consumer->peek();
    ASSERT_TRUE(message);
    EXPECT_EQ(message->sequence, i);
    EXPECT_EQ(message->payload.size(), 8 + i % 50);
    EXPECT_EQ(valueOf(*message), i * 7);
    consumer->commit();
  }
  EXPECT_FALSE(consumer->peek());
}

TEST_F(RingTest, SecondProducerIsRefusedWhileTheFirstLives) {
  createRing(8);
  auto first = RingProducer::open(ringName());
  ASSERT_TRUE(first.ok());
  const auto second = RingProducer::open(ringName());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, RingError::kProducerAlive);
}

TEST_F(RingTest, ConsumerNameIsHeldByOneLiveAttachment) {
  createRing(8);
  auto first = RingConsumer::attach(ringName(), "store", ConsumerKind::kDurable);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(RingConsumer::attach(ringName(), "store", ConsumerKind::kDurable).error().code,
            RingError::kConsumerAlive);
}

TEST_F(RingTest, MessageLargerThanTheSlotIsRefusedWithoutWriting) {
  createRing(8, 64);
  auto producer = RingProducer::open(ringName());
  EXPECT_EQ(producer->offer(std::vector<std::byte>(49)).status, PublishStatus::kMessageTooLarge);
  EXPECT_TRUE(producer->offer(std::vector<std::byte>(48)).ok());
  EXPECT_EQ(segment().published(), 1u);
}

TEST_F(RingTest, DurableConsumerBackPressuresTheProducerAtCapacity) {
  createRing(8);
  auto producer = RingProducer::open(ringName());
  auto consumer = RingConsumer::attach(ringName(), "slow", ConsumerKind::kDurable);
  for (std::uint64_t i = 0; i < 8; ++i) ASSERT_TRUE(producer->offer(payloadOf(i)).ok());
  EXPECT_EQ(producer->offer(payloadOf(8)).status, PublishStatus::kBackPressured);
  EXPECT_EQ(producer->publish(payloadOf(8), std::chrono::milliseconds(20)).status, PublishStatus::kTimedOut);
  ASSERT_TRUE(consumer->peek());
  consumer->commit();
  EXPECT_TRUE(producer->offer(payloadOf(8)).ok());
}

TEST_F(RingTest, RegisteredDurableConsumerHoldsDataBeforeItsProcessAttaches) {
  createRing(4);
  ASSERT_TRUE(RingConsumer::registerConsumer(segment(), "store", ConsumerKind::kDurable).ok());
  auto producer = RingProducer::open(ringName());
  for (std::uint64_t i = 0; i < 4; ++i) ASSERT_TRUE(producer->offer(payloadOf(i)).ok());
  EXPECT_EQ(producer->offer(payloadOf(4)).status, PublishStatus::kBackPressured);
  auto consumer = RingConsumer::attach(ringName(), "store", ConsumerKind::kDurable);
  EXPECT_EQ(consumer->peek()->sequence, 0u);
}

TEST_F(RingTest, ReattachedConsumerResumesAtItsCommittedCursor) {
  createRing(16);
  auto producer = RingProducer::open(ringName());
  for (std::uint64_t i = 0; i < 10; ++i) ASSERT_TRUE(producer->offer(payloadOf(i)).ok());
  {
    auto consumer = RingConsumer::attach(ringName(), "engine", ConsumerKind::kDurable);
    ASSERT_TRUE(consumer.ok());
    // Registered after the first 10: starts at the end.
    EXPECT_FALSE(consumer->peek());
    for (std::uint64_t i = 10; i < 15; ++i) ASSERT_TRUE(producer->offer(payloadOf(i)).ok());
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(consumer->peek());
      consumer->commit();
    }
    ASSERT_TRUE(consumer->peek());  // peeked, not committed: delivered again after re-attach
  }
  auto consumer = RingConsumer::attach(ringName(), "engine", ConsumerKind::kDurable);
  EXPECT_EQ(consumer->peek()->sequence, 13u);
}

TEST_F(RingTest, SkipThroughMovesForwardOnlyAndNotPastThePublished) {
  createRing(16);
  auto producer = RingProducer::open(ringName());
  auto consumer = RingConsumer::attach(ringName(), "store", ConsumerKind::kDurable);
  for (std::uint64_t i = 0; i < 10; ++i) ASSERT_TRUE(producer->offer(payloadOf(i)).ok());
  EXPECT_TRUE(consumer->skipThrough(6));
  EXPECT_EQ(consumer->peek()->sequence, 7u);
  EXPECT_TRUE(consumer->skipThrough(2));
  EXPECT_EQ(consumer->peek()->sequence, 7u);
  EXPECT_FALSE(consumer->skipThrough(10));
}

TEST_F(RingTest, LappedLossyConsumerReportsTheExactGap) {
  createRing(4);
  auto producer = RingProducer::open(ringName());
  auto sut = RingConsumer::attach(ringName(), "tap", ConsumerKind::kLossy);
  for (std::uint64_t i = 0; i < 10; ++i) ASSERT_TRUE(producer->offer(payloadOf(i)).ok());
  const auto first = sut->peek();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->sequence, 6u);
  EXPECT_EQ(first->skipped_before, 6u);
  EXPECT_EQ(valueOf(*first), 6u);
  sut->commit();
  for (std::uint64_t expected = 7; expected < 10; ++expected) {
    const auto message = sut->peek();
    ASSERT_TRUE(message);
    EXPECT_EQ(message->sequence, expected);
    EXPECT_EQ(message->skipped_before, 0u);
    sut->commit();
  }
  EXPECT_EQ(sut->gaps(), 6u);
}

TEST_F(RingTest, LossyConsumerNeverHoldsTheProducerBack) {
  createRing(4);
  auto producer = RingProducer::open(ringName());
  auto lossy = RingConsumer::attach(ringName(), "monitor", ConsumerKind::kLossy);
  for (std::uint64_t i = 0; i < 100; ++i) EXPECT_TRUE(producer->offer(payloadOf(i)).ok());
}

TEST_F(RingTest, ProducerReopenedAfterAnUncommittedClaimRewritesThatSequence) {
  createRing(8);
  auto consumer = RingConsumer::attach(ringName(), "reader", ConsumerKind::kDurable);
  {
    auto producer = RingProducer::open(ringName());
    ASSERT_TRUE(producer->offer(payloadOf(0)).ok());
    ASSERT_TRUE(producer->claim(8).ok());
    producer->write(0, payloadOf(666));
    // Destroyed without commit(), as if killed: its lock is released, nothing published.
  }
  EXPECT_EQ(segment().published(), 1u);
  auto producer = RingProducer::open(ringName());
  EXPECT_TRUE(producer->recoveredUncommittedClaim());
  EXPECT_EQ(producer->nextSequence(), 1u);
  ASSERT_TRUE(producer->offer(payloadOf(1)).ok());
  consumer->peek();
  consumer->commit();
  const auto message = consumer->peek();
  ASSERT_TRUE(message);
  EXPECT_EQ(valueOf(*message), 1u);
}

TEST_F(RingTest, RemovedDurableConsumerNoLongerHoldsTheProducer) {
  createRing(4);
  ASSERT_TRUE(RingConsumer::registerConsumer(segment(), "gone", ConsumerKind::kDurable).ok());
  auto producer = RingProducer::open(ringName());
  for (std::uint64_t i = 0; i < 4; ++i) ASSERT_TRUE(producer->offer(payloadOf(i)).ok());
  EXPECT_EQ(producer->offer(payloadOf(4)).status, PublishStatus::kBackPressured);
  EXPECT_TRUE(segment().removeConsumer("gone").value());
  EXPECT_TRUE(producer->offer(payloadOf(4)).ok());
}

TEST_F(RingTest, InfoReportsCursorsLagAndLiveness) {
  createRing(16);
  auto producer = RingProducer::open(ringName());
  auto consumer = RingConsumer::attach(ringName(), "store", ConsumerKind::kDurable);
  for (std::uint64_t i = 0; i < 5; ++i) ASSERT_TRUE(producer->offer(payloadOf(i)).ok());
  consumer->peek();
  consumer->commit();
  const auto info = segment().info();
  EXPECT_EQ(info.published, 5u);
  EXPECT_TRUE(info.producer_alive);
  ASSERT_EQ(info.consumers.size(), 1u);
  EXPECT_EQ(info.consumers[0].name, "store");
  EXPECT_EQ(info.consumers[0].cursor, 1u);
  EXPECT_EQ(info.consumers[0].lag, 4u);
  EXPECT_TRUE(info.consumers[0].alive);
}

// Threads here (processes in ring_process_test): a blocked reader is woken for every message and
// a lossy reader racing the writer only ever sees whole messages.
TEST_F(RingTest, BlockedAndLossyReadersSeeWholeMessagesUnderConcurrentWrites) {
  createRing(16, 256);
  constexpr std::uint64_t kCount = 50'000;
  auto producer = RingProducer::open(ringName());
  auto durable = RingConsumer::attach(ringName(), "durable", ConsumerKind::kDurable);
  auto lossy = RingConsumer::attach(ringName(), "lossy", ConsumerKind::kLossy);
  std::uint64_t lossy_seen = 0;
  std::uint64_t lossy_skipped = 0;
  std::thread lossy_reader([&] {
    std::uint64_t next = 0;
    while (next < kCount) {
      if (!lossy->waitForMessage(std::chrono::seconds(10), IdlePolicy{100, 10})) break;
      const auto message = lossy->peek();
      if (!message) continue;
      const std::uint64_t value = valueOf(*message);
      EXPECT_EQ(value, message->sequence);
      for (std::size_t i = 8; i < message->payload.size(); ++i) ASSERT_EQ(message->payload[i], std::byte(value & 0xff));
      lossy_skipped += message->skipped_before;
      ++lossy_seen;
      next = message->sequence + 1;
      lossy->commit();
    }
  });
  std::thread durable_reader([&] {
    for (std::uint64_t expected = 0; expected < kCount; ++expected) {
      ASSERT_TRUE(durable->waitForMessage(std::chrono::seconds(10), IdlePolicy::blocking()));
      const auto message = durable->peek();
      ASSERT_EQ(message->sequence, expected);
      ASSERT_EQ(valueOf(*message), expected);
      durable->commit();
    }
  });
  for (std::uint64_t i = 0; i < kCount; ++i) {
    auto payload = payloadOf(i, 8 + i % 200);
    for (std::size_t b = 8; b < payload.size(); ++b) payload[b] = std::byte(i & 0xff);
    ASSERT_TRUE(producer->publish(payload, std::chrono::seconds(10)).ok());
  }
  durable_reader.join();
  lossy_reader.join();
  EXPECT_EQ(lossy_seen + lossy_skipped, kCount);
  EXPECT_EQ(lossy->gaps(), lossy_skipped);
}

}  // namespace
}  // namespace rrr::ring

namespace rrr::ring {
namespace {

TEST_F(RingTest, AdvancedButUncommittedMessagesStayHeldAndReturnAfterReattach) {
  createRing(4);
  auto producer = RingProducer::open(ringName());
  {
    auto sut = RingConsumer::attach(ringName(), "store", ConsumerKind::kDurable);
    for (std::uint64_t i = 0; i < 4; ++i) ASSERT_TRUE(producer->offer(payloadOf(i)).ok());
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(sut->peek());
      sut->advance();
    }
    EXPECT_EQ(sut->cursor(), 3u);
    EXPECT_EQ(sut->uncommitted(), 3u);
    EXPECT_EQ(producer->offer(payloadOf(4)).status, PublishStatus::kBackPressured);
    sut->commitThrough(0);
    EXPECT_EQ(sut->uncommitted(), 2u);
    EXPECT_TRUE(producer->offer(payloadOf(4)).ok());
    EXPECT_EQ(sut->peek()->sequence, 3u);  // reading goes on from the read position
  }
  // 1 and 2 were advanced over but never committed: delivered again.
  auto again = RingConsumer::attach(ringName(), "store", ConsumerKind::kDurable);
  EXPECT_EQ(again->peek()->sequence, 1u);
}

}  // namespace
}  // namespace rrr::ring

namespace rrr::ring {
namespace {

long minorFaults() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_minflt;
}

struct PageCount {
  int mapped = 0;
  int pages = 0;
};

// Of the whole pages within [first, first + bytes), how many this process has mapped: the
// "present" bit of each page's entry in /proc/self/pagemap. Unlike a fault count, nothing a
// sanitizer does changes it.
PageCount pagesMappedHere(const std::byte* first, std::size_t bytes) {
  static const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const int pagemap = ::open("/proc/self/pagemap", O_RDONLY);
  EXPECT_GE(pagemap, 0);
  PageCount count;
  const auto begin = (reinterpret_cast<std::uintptr_t>(first) + page - 1) / page;
  const auto end = (reinterpret_cast<std::uintptr_t>(first) + bytes) / page;
  for (auto index = begin; index < end; ++index) {
    std::uint64_t entry = 0;
    EXPECT_EQ(::pread(pagemap, &entry, sizeof entry, static_cast<off_t>(index * sizeof entry)), static_cast<ssize_t>(sizeof entry));
    count.mapped += (entry >> 63) & 1 ? 1 : 0;
    ++count.pages;
  }
  ::close(pagemap);
  return count;
}

// 128 slots of 512 bytes are 16 pages: written for the first time, each takes a fault unless
// prefaultAhead() mapped them while idle. Reading, the kernel maps up to 16 pages around one
// fault, so there is less to gain. What prefaultAhead() does is checked in the page tables; the
// fault counts that follow from it are checked where no sanitizer faults on its own shadow pages
// (ThreadSanitizer does on every write it records).
TEST_F(RingTest, PrefaultAheadMapsTheNextSlotsSoReadingAndWritingThemTakesNoPageFaults) {
  createRing(1024, 512);
  auto producer = RingProducer::open(ringName());
  auto consumer = RingConsumer::attach(ringName(), "engine", ConsumerKind::kDurable);
  const auto message = payloadOf(1, 256);
  const auto publish = [&](int count) {
    const auto before = minorFaults();
    for (int i = 0; i < count; ++i) EXPECT_TRUE(producer->offer(message).ok());
    return minorFaults() - before;
  };
  const auto read = [&](int count) {
    const auto before = minorFaults();
    for (int i = 0; i < count; ++i) {
      const auto got = consumer->peek();
      EXPECT_TRUE(got.has_value());
      consumer->advance();
    }
    return minorFaults() - before;
  };
  const auto cold_writes = publish(128);
  const auto cold_reads = read(128);
  // The whole pages under the next 128 slots: writing never maps ahead, so the producer has none
  // of them yet; prefaultAhead() maps all of them.
  const auto next_pages = [](const RingSegment& segment) {
    return pagesMappedHere(reinterpret_cast<const std::byte*>(&segment.slot(128)), 128 * 512);
  };
  ASSERT_GE(next_pages(producer->segment()).pages, 15);
  EXPECT_EQ(next_pages(producer->segment()).mapped, 0);
  producer->prefaultAhead();
  consumer->prefaultAhead();
  for (const auto* segment : {&producer->segment(), &consumer->segment()}) {
    EXPECT_EQ(next_pages(*segment).mapped, next_pages(*segment).pages);
  }
  const auto warm_writes = publish(128);
  const auto warm_reads = read(128);
#if !defined(__SANITIZE_THREAD__)
  EXPECT_GE(cold_writes, 12);
  EXPECT_GE(cold_reads, 1);
  EXPECT_LE(warm_writes, cold_writes / 4);
  EXPECT_LE(warm_reads, cold_reads);   // under AddressSanitizer its shadow pages fault on both
#else
  (void)cold_writes, (void)cold_reads, (void)warm_writes, (void)warm_reads;
#endif
}

}  // namespace
}  // namespace rrr::ring
