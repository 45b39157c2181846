// How ring readers are woken, within one process: a heads-up, a message, and a batching reader's
// held wake-up.
#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <string>
#include <thread>

#include "common/ring/before_blocking.h"
#include "common/ring/ring_consumer.h"
#include "common/ring/ring_producer.h"
#include "ring_fixture.h"

namespace rrr::ring {
namespace {

using rrr::testing::payloadOf;

class RingWakeTest : public rrr::testing::RingFixture {
 protected:
  // A ring with a producer and a durable reader named "store".
  void open(std::uint64_t capacity) {
    createRing(capacity);
    auto producer = RingProducer::open(ringName());
    auto store = RingConsumer::attach(ringName(), "store", ConsumerKind::kDurable);
    ASSERT_TRUE(producer.ok() && store.ok());
    producer_.emplace(std::move(producer).value());
    store_.emplace(std::move(store).value());
  }

  std::optional<RingProducer> producer_;
  std::optional<RingConsumer> store_;
};

// A reader with work to do before an announced message is told which of the three woke it.
TEST_F(RingWakeTest, WaitForMessageOrHeadsUpSaysWhatWokeIt) {
  using Wake = RingConsumer::Wake;
  createRing(8);
  auto producer = RingProducer::open(ringName());
  auto consumer = RingConsumer::attach(ringName(), "reader", ConsumerKind::kDurable);
  ASSERT_TRUE(producer.ok() && consumer.ok());
  EXPECT_EQ(consumer->waitForMessageOrHeadsUp(std::chrono::milliseconds(20)), Wake::kTimeout);
  // A heads-up reaches only a reader already blocked, so it is repeated until the reader returns.
  std::atomic<bool> done = false;
  Wake woke = Wake::kTimeout;
  std::thread reader([&] {
    woke = consumer->waitForMessageOrHeadsUp(std::chrono::seconds(20));
    done = true;
  });
  while (!done) {
    producer->headsUp();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  reader.join();
  EXPECT_EQ(woke, Wake::kHeadsUp);
  std::thread waiter([&] { woke = consumer->waitForMessageOrHeadsUp(std::chrono::seconds(20)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(producer->offer(payloadOf(1)).ok());
  waiter.join();
  EXPECT_EQ(woke, Wake::kMessage);
  EXPECT_EQ(consumer->waitForMessageOrHeadsUp(std::chrono::milliseconds(20)), Wake::kMessage);   // not yet read
}

// A reader asleep on one ring with another given as `also` wakes for a message on the other at
// once, not at the end of its block (IdlePolicy::block_timeout_default(), 100 ms): rrr-engine
// sleeping on pred while rrr-risk publishes a kill switch on decisions.
TEST_F(RingWakeTest, AReaderWatchingASecondRingWakesForItsMessageAtOnce) {
  using Wake = RingConsumer::Wake;
  createRing(8);
  const std::string other_name = rrr::testing::uniqueName("rrr-test-ring-also");
  auto other_segment = RingSegment::create(other_name, RingConfig{128, 8});
  ASSERT_TRUE(other_segment.ok()) << other_segment.error().message;
  struct Remove {
    std::string name;
    ~Remove() { RingSegment::remove(name); }
  } remove{other_name};
  auto consumer = RingConsumer::attach(ringName(), "reader", ConsumerKind::kDurable);
  auto other_producer = RingProducer::open(other_name);
  auto other = RingConsumer::attach(other_name, "reader", ConsumerKind::kDurable);
  ASSERT_TRUE(consumer.ok() && other_producer.ok() && other.ok());
  for (int round = 0; round < 3; ++round) {
    std::atomic<bool> done = false;
    Wake woke = Wake::kTimeout;
    std::thread reader([&] {
      woke = consumer->waitForMessageOrHeadsUp(std::chrono::seconds(20), &*other);
      done = true;
    });
    // Published 20 ms into the reader's first 100 ms block: a reader that looked at the other ring
    // only between blocks would see it ~80 ms later.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ASSERT_TRUE(other_producer->offer(payloadOf(round)).ok());
    const auto published = std::chrono::steady_clock::now();
    while (!done && std::chrono::steady_clock::now() - published < std::chrono::seconds(5)) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    const auto waited = std::chrono::steady_clock::now() - published;
    reader.join();
    EXPECT_EQ(woke, Wake::kMessage);
    EXPECT_LT(waited, std::chrono::milliseconds(60)) << "round " << round;
    ASSERT_TRUE(other->peek().has_value());
    other->commit();
  }
}

// A batching reader (rrr-store) is not woken per message: its wake-up waits until the producer's
// thread is about to block, or until 64 messages wait, or until the producer's mapping goes.
// A reader that wants every message at once is still woken at once.
class BatchingReader {
 public:
  explicit BatchingReader(RingConsumer& consumer) {
    auto policy = IdlePolicy::batching();
    policy.block_timeout = std::chrono::seconds(20);   // no wake-up by timeout within the test
    thread_ = std::thread([&consumer, policy, this] {
      woke_ = consumer.waitForMessage(std::chrono::seconds(20), policy);
      done_ = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));   // asleep on the futex by now
  }
  ~BatchingReader() { thread_.join(); }
  bool done() const { return done_; }
  bool wokeWithin(std::chrono::milliseconds limit) const {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done_ && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return done_ && woke_;
  }

 private:
  std::atomic<bool> done_ = false;
  std::atomic<bool> woke_ = false;
  std::thread thread_;
};

TEST_F(RingWakeTest, ABatchingReaderIsWokenWhenTheProducerIsAboutToBlockNotPerMessage) {
  open(4096);
  BatchingReader reader(*store_);
  ASSERT_TRUE(producer_->offer(payloadOf(1)).ok());
  ASSERT_TRUE(producer_->offer(payloadOf(2)).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(reader.done()) << "woken per message";
  runBeforeBlocking();
  EXPECT_TRUE(reader.wokeWithin(std::chrono::seconds(5)));
}

TEST_F(RingWakeTest, ABatchingReaderIsWokenAfter64MessagesWithoutTheProducerBlocking) {
  open(4096);
  BatchingReader reader(*store_);
  for (std::uint64_t i = 0; i < 63; ++i) ASSERT_TRUE(producer_->offer(payloadOf(i)).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(reader.done());
  ASSERT_TRUE(producer_->offer(payloadOf(63)).ok());
  EXPECT_TRUE(reader.wokeWithin(std::chrono::seconds(5)));
}

TEST_F(RingWakeTest, ABatchingReaderIsWokenWhenTheProducerCloses) {
  open(64);
  BatchingReader reader(*store_);
  ASSERT_TRUE(producer_->offer(payloadOf(1)).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(reader.done());
  producer_.reset();
  EXPECT_TRUE(reader.wokeWithin(std::chrono::seconds(5)));
}

// A stage done with its part of a burst sleeps quietly: its put-off work (the hook: the tap's
// copies; the wake-up held for a batching reader) waits for its next ordinary sleep.
TEST_F(RingWakeTest, AQuietSleepLeavesTheThreadsPutOffWorkForItsNextSleep) {
  open(64);
  auto engine = RingConsumer::attach(ringName(), "engine", ConsumerKind::kDurable);
  ASSERT_TRUE(engine.ok());
  int hook_runs = 0;
  setBeforeBlocking([&] { ++hook_runs; });
  BatchingReader lazy(*store_);
  ASSERT_TRUE(producer_->offer(payloadOf(1)).ok());   // the store's wake-up is held
  ASSERT_TRUE(engine->peek().has_value());
  engine->commit();

  EXPECT_FALSE(engine->waitForMessage(std::chrono::milliseconds(20), IdlePolicy::blockingQuietly()));
  EXPECT_EQ(hook_runs, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(lazy.done()) << "the held wake-up was given";

  EXPECT_FALSE(engine->waitForMessage(std::chrono::milliseconds(20), IdlePolicy::blocking()));
  EXPECT_GE(hook_runs, 1);
  EXPECT_TRUE(lazy.wokeWithin(std::chrono::seconds(5)));
  setBeforeBlocking({});
}

TEST_F(RingWakeTest, AReaderThatWantsEveryMessageIsWokenAtOnceBesideABatchingOne) {
  open(64);
  auto prompt = RingConsumer::attach(ringName(), "engine", ConsumerKind::kDurable);
  ASSERT_TRUE(prompt.ok());
  BatchingReader lazy(*store_);
  std::atomic<bool> woke = false;
  std::thread reader([&] { woke = prompt->waitForMessage(std::chrono::seconds(20), IdlePolicy::blocking()); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(producer_->offer(payloadOf(1)).ok());
  reader.join();
  EXPECT_TRUE(woke);
  EXPECT_TRUE(lazy.wokeWithin(std::chrono::seconds(5)));   // one wake-up wakes every sleeper
}

}  // namespace
}  // namespace rrr::ring
