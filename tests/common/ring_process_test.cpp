// The ring between real processes (tests/common/ring_peer.cpp), with either side SIGKILLed at
// random points and started again. Each test has a watchdog deadline: a hang fails the test.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "common/ring/ring_consumer.h"
#include "ring_fixture.h"
#include "support/child_process.h"

namespace rrr::ring {
namespace {

using rrr::testing::ChildProcess;
using rrr::testing::exitCodeOf;
using namespace std::chrono_literals;

constexpr auto kWatchdog = 60s;

// Messages in the kill tests; sanitizer builds run ~50x slower and ask for fewer
// (RRR_RING_TEST_MESSAGES, set by scripts/test-sanitized).
std::uint64_t streamLength() {
  const char* configured = std::getenv("RRR_RING_TEST_MESSAGES");
  return configured != nullptr ? std::stoull(configured) : 2'000'000;
}

struct Line {
  std::uint64_t sequence;
  std::uint64_t skipped_before;
};

class RingProcessTest : public rrr::testing::RingFixture {
 protected:
  void SetUp() override {
    out_ = std::filesystem::temp_directory_path() / (rrr::testing::uniqueName("rrr-ring-out") + ".txt");
    peer_ = rrr::testing::binaryDirectory() + "/ring_peer";
  }
  void TearDown() override {
    std::filesystem::remove(out_);
    RingFixture::TearDown();
  }

  ChildProcess producer(std::uint64_t count) { return ChildProcess::spawn(peer_, {"produce", ringName(), std::to_string(count)}); }
  ChildProcess consumer(std::uint64_t count, bool lossy = false) {
    std::vector<std::string> args{"consume", ringName(), "reader", std::to_string(count), out_.string()};
    if (lossy) args.push_back("lossy");
    return ChildProcess::spawn(peer_, args);
  }

  static void expectCleanExit(ChildProcess& child) {
    const auto status = child.wait(kWatchdog);
    ASSERT_TRUE(status) << "child " << child.pid() << " did not finish within the watchdog";
    EXPECT_EQ(exitCodeOf(*status), 0);
  }

  // Starts a process `rounds` times and SIGKILLs it 0-3 ms after progress() has moved, so that
  // every kill lands while messages flow. Returns how many kills landed before the end.
  template <class Start, class Progress>
  int killMidStream(Start start, Progress progress, std::uint64_t end, int rounds, unsigned seed) {
    std::mt19937 random(seed);
    std::uniform_int_distribution<int> delay_us(0, 3000);
    int mid_stream = 0;
    for (int i = 0; i < rounds; ++i) {
      const std::uint64_t before = progress();
      auto child = start();
      const auto deadline = std::chrono::steady_clock::now() + kWatchdog;
      while (progress() == before && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
      std::this_thread::sleep_for(std::chrono::microseconds(delay_us(random)));
      child.kill9();
      child.wait(kWatchdog);
      if (progress() < end) ++mid_stream;
    }
    return mid_stream;
  }

  std::uint64_t bytesWritten() const {
    std::error_code ignored;
    const auto size = std::filesystem::file_size(out_, ignored);
    return ignored ? 0 : size;
  }

  std::vector<Line> lines() const {
    std::ifstream in(out_);
    std::vector<Line> result;
    Line line{};
    while (in >> line.sequence >> line.skipped_before) result.push_back(line);
    return result;
  }

  void expectEverySequenceOnceInOrder(std::uint64_t count) const {
    const auto read = lines();
    ASSERT_EQ(read.size(), count);
    for (std::uint64_t i = 0; i < count; ++i) {
      ASSERT_EQ(read[i].sequence, i) << "at line " << i;
      ASSERT_EQ(read[i].skipped_before, 0u);
    }
  }

  std::filesystem::path out_;
  std::string peer_;
};

TEST_F(RingProcessTest, ConsumerKilledRepeatedlyStillReadsEverySequenceExactlyOnceInOrder) {
  const std::uint64_t kCount = streamLength();
  createRing(64, 256);
  ASSERT_TRUE(RingConsumer::registerConsumer(segment(), "reader", ConsumerKind::kDurable).ok());
  auto writer = producer(kCount);
  const int kills = killMidStream([&] { return consumer(kCount); }, [&] { return bytesWritten(); },
                                  /*end=*/~0ull, 15, 1);
  EXPECT_EQ(kills, 15);
  auto last = consumer(kCount);
  expectCleanExit(last);
  expectCleanExit(writer);
  expectEverySequenceOnceInOrder(kCount);
}

TEST_F(RingProcessTest, ProducerKilledRepeatedlyResumesWithNothingLostOrRepeated) {
  const std::uint64_t kCount = streamLength();
  createRing(64, 256);
  ASSERT_TRUE(RingConsumer::registerConsumer(segment(), "reader", ConsumerKind::kDurable).ok());
  auto reader = consumer(kCount);
  const int kills = killMidStream([&] { return producer(kCount); }, [&] { return segment().published(); },
                                  kCount, 15, 2);
  EXPECT_EQ(kills, 15);
  auto last = producer(kCount);
  expectCleanExit(last);
  expectCleanExit(reader);
  expectEverySequenceOnceInOrder(kCount);
}

TEST_F(RingProcessTest, ProducerKilledBetweenClaimAndCommitLeavesNoReaderStuck) {
  createRing(64, 256);
  ASSERT_TRUE(RingConsumer::registerConsumer(segment(), "reader", ConsumerKind::kDurable).ok());
  auto reader = consumer(200);
  auto first = producer(100);
  expectCleanExit(first);
  auto dying = ChildProcess::spawn(peer_, {"claim-and-die", ringName()});
  const auto status = dying.wait(kWatchdog);
  ASSERT_TRUE(status);
  EXPECT_EQ(exitCodeOf(*status), -SIGKILL);
  EXPECT_EQ(segment().published(), 100u);
  auto second = producer(200);
  expectCleanExit(second);
  expectCleanExit(reader);
  expectEverySequenceOnceInOrder(200);
}

TEST_F(RingProcessTest, StoppedDurableConsumerHoldsTheProducerAtCapacityUntilItReads) {
  createRing(64, 256);
  ASSERT_TRUE(RingConsumer::registerConsumer(segment(), "reader", ConsumerKind::kDurable).ok());
  auto writer = producer(1000);
  // Nobody reads yet: the producer fills the ring and waits.
  const auto deadline = std::chrono::steady_clock::now() + kWatchdog;
  while (segment().published() < 64 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(segment().published(), 64u);
  EXPECT_TRUE(writer.running());
  auto reader = consumer(1000);
  expectCleanExit(writer);
  expectCleanExit(reader);
  expectEverySequenceOnceInOrder(1000);
}

TEST_F(RingProcessTest, LossyConsumerLappedByAnotherProcessReportsTheExactGap) {
  createRing(64, 256);
  ASSERT_TRUE(RingConsumer::registerConsumer(segment(), "reader", ConsumerKind::kLossy).ok());
  auto writer = producer(1000);
  expectCleanExit(writer);
  auto reader = consumer(1000, /*lossy=*/true);
  expectCleanExit(reader);
  const auto read = lines();
  ASSERT_EQ(read.size(), 64u);
  EXPECT_EQ(read.front().sequence, 936u);
  EXPECT_EQ(read.front().skipped_before, 936u);
  EXPECT_EQ(read.back().sequence, 999u);
  EXPECT_EQ(segment().info().consumers.at(0).gaps, 936u);
}

// rrr-ingest publishes a bar while rrr-infer polls and rrr-store sleeps, and gives the store's held
// wake-up when it sleeps itself. By then rrr-infer has read the bar and waits for the next heads-up:
// the store's wake-up is none (taken for one, it had rrr-infer rehearse and poll 2 ms for nothing).
TEST_F(RingProcessTest, AWakeUpHeldForABatchingReaderIsNoHeadsUpForAnotherReader) {
  using Wake = RingConsumer::Wake;
  createRing(64, 256);   // room for ring_peer's messages
  auto store = RingConsumer::attach(ringName(), "store", ConsumerKind::kDurable);
  auto infer = RingConsumer::attach(ringName(), "infer", ConsumerKind::kDurable);
  ASSERT_TRUE(store.ok() && infer.ok());
  std::atomic<bool> store_woke = false;
  std::jthread batching([&] {   // joined on every way out, a failed assertion's too
    auto policy = IdlePolicy::batching();
    policy.block_timeout = kWatchdog;
    store_woke = store->waitForMessage(kWatchdog, policy);
  });
  std::this_thread::sleep_for(50ms);   // the store asleep on the futex by now
  auto writer = ChildProcess::spawn(peer_, {"publish-and-hold", ringName(), "300"});
  const auto deadline = std::chrono::steady_clock::now() + kWatchdog;
  std::optional<RingMessage> message;
  while (!(message = infer->peek()) && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  ASSERT_TRUE(message) << "ring_peer published nothing";
  infer->commit();
  const auto waited_from = std::chrono::steady_clock::now();
  EXPECT_EQ(infer->waitForMessageOrHeadsUp(1s), Wake::kTimeout);
  EXPECT_GE(std::chrono::steady_clock::now() - waited_from, 1s);
  batching.join();
  EXPECT_TRUE(store_woke);
  expectCleanExit(writer);
}

}  // namespace
}  // namespace rrr::ring
