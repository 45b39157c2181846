// The ZeroMQ bus over ipc:// sockets in a temporary run directory.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <thread>

#include "common/bus/control.h"
#include "common/bus/endpoints.h"
#include "common/bus/tap.h"
#include "support/unique_name.h"

namespace rrr::bus {
namespace {

using namespace std::chrono_literals;

class BusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    run_dir_ = std::filesystem::temp_directory_path() / rrr::testing::uniqueName("rrr-bus");
    std::filesystem::create_directories(run_dir_);
  }
  void TearDown() override { std::filesystem::remove_all(run_dir_); }
  std::string endpoint(const std::string& name) { return ipcEndpoint(run_dir_, name).value(); }

  std::filesystem::path run_dir_;
  zmq::context_t context_;
};

std::vector<std::byte> bytesOf(std::string_view text) {
  const auto* data = reinterpret_cast<const std::byte*>(text.data());
  return {data, data + text.size()};
}

// PUB/SUB joins asynchronously: publish until the subscriber sees the first message.
std::optional<TapFrame> publishUntilReceived(TapPublisher& publisher, TapSubscriber& subscriber, std::string_view topic,
                                             std::string_view payload) {
  for (int i = 0; i < 200; ++i) {
    publisher.publish(topic, bytesOf(payload));
    if (auto frame = subscriber.receive(10ms)) return frame;
  }
  return std::nullopt;
}

TEST_F(BusTest, TapDeliversSubscribedTopicsExactlyNotByPrefix) {
  auto publisher = TapPublisher::bind(context_, endpoint("tap"));
  ASSERT_TRUE(publisher.ok()) << publisher.error().message;
  auto subscriber = TapSubscriber::connect(context_, {endpoint("tap")}, {"Order"});
  ASSERT_TRUE(subscriber.ok());
  const auto first = publishUntilReceived(*publisher, *subscriber, "Order", "o1");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->topic, "Order");
  publisher->publish("OrderIntent", bytesOf("intent"));
  publisher->publish("Bar", bytesOf("bar"));
  publisher->publish("Order", bytesOf("o2"));
  while (auto frame = subscriber->receive(200ms)) {
    EXPECT_EQ(frame->topic, "Order");
    if (frame->payload == bytesOf("o2")) return;
  }
  FAIL() << "the second Order frame did not arrive";
}

// A publisher and a subscriber that has joined it, with nothing left to read.
struct JoinedTap {
  TapPublisher publisher;
  TapSubscriber subscriber;
};
std::optional<JoinedTap> joinedTap(zmq::context_t& context, const std::string& endpoint) {
  auto publisher = TapPublisher::bind(context, endpoint);
  auto subscriber = TapSubscriber::connect(context, {endpoint}, {});
  if (!publisher.ok() || !subscriber.ok()) return std::nullopt;
  if (!publishUntilReceived(*publisher, *subscriber, "Joined", "j")) return std::nullopt;
  while (subscriber->receive(50ms)) {
  }
  return JoinedTap{std::move(publisher).value(), std::move(subscriber).value()};
}

// A stage of the hot path holds its tap copies until it is about to sleep: nothing goes out before
// flush(), then everything in order; publish() sends what is held first.
TEST_F(BusTest, TapCopiesHeldForLaterGoOutInOrderAtTheFlush) {
  auto tap = joinedTap(context_, endpoint("tap"));
  ASSERT_TRUE(tap);
  auto* publisher = &tap->publisher;
  auto* subscriber = &tap->subscriber;
  publisher->publishLater("Bar", bytesOf("b1"));
  publisher->publishLater("Prediction", bytesOf("p1"));
  EXPECT_EQ(publisher->held(), 2u);
  EXPECT_FALSE(subscriber->receive(200ms)) << "a held copy went out before the flush";
  publisher->flush();
  EXPECT_EQ(publisher->held(), 0u);
  const std::vector<std::pair<std::string, std::string>> expected{{"Bar", "b1"}, {"Prediction", "p1"}, {"Bar", "b2"}, {"Heartbeat", "h"}};
  publisher->publishLater("Bar", bytesOf("b2"));
  publisher->publish("Heartbeat", bytesOf("h"));
  for (const auto& [topic, payload] : expected) {
    const auto frame = subscriber->receive(2s);
    ASSERT_TRUE(frame) << topic << " did not arrive";
    EXPECT_EQ(frame->topic, topic);
    EXPECT_EQ(frame->payload, bytesOf(payload));
  }
  // A process that never runs out of work still publishes: past kMaxHeld copies go out at once.
  for (std::size_t i = 0; i < TapPublisher::kMaxHeld; ++i) publisher->publishLater("Bar", bytesOf("x"));
  EXPECT_EQ(publisher->held(), 0u);
  EXPECT_TRUE(subscriber->receive(2s));
}

// Under SCHED_FIFO a stage yields before each held copy it sends (ProcessRuntime): the step runs
// once before each send, so each copy has gone out only after its step ran.
TEST_F(BusTest, FlushRunsTheGivenStepBeforeEachHeldCopy) {
  auto tap = joinedTap(context_, endpoint("tap"));
  ASSERT_TRUE(tap);
  auto* publisher = &tap->publisher;
  auto* subscriber = &tap->subscriber;
  for (const char* payload : {"a", "b", "c"}) publisher->publishLater("Bar", bytesOf(payload));
  std::vector<std::uint64_t> sent_at_step;
  publisher->flush([&] { sent_at_step.push_back(publisher->sent()); });
  const auto before = publisher->sent() - 3;
  EXPECT_EQ(sent_at_step, (std::vector<std::uint64_t>{before, before + 1, before + 2}));
  for (const char* payload : {"a", "b", "c"}) {
    const auto frame = subscriber->receive(2s);
    ASSERT_TRUE(frame) << payload << " did not arrive";
    EXPECT_EQ(frame->payload, bytesOf(payload));
  }
  publisher->flush([&] { ADD_FAILURE() << "a step with nothing held"; });
}

// Reads until nothing arrives for `quiet`.
std::vector<TapFrame> drain(TapSubscriber& subscriber, std::chrono::milliseconds quiet = 300ms) {
  std::vector<TapFrame> frames;
  while (auto frame = subscriber.receive(quiet)) frames.push_back(std::move(*frame));
  return frames;
}

TEST_F(BusTest, TapNumbersEachTopicOfAPublisherFromZeroWithoutGaps) {
  auto publisher = TapPublisher::bind(context_, endpoint("tap"));
  ASSERT_TRUE(publisher.ok());
  auto subscriber = TapSubscriber::connect(context_, {endpoint("tap")}, {"Bar", "Prediction"});
  ASSERT_TRUE(subscriber.ok());
  const auto joined = publishUntilReceived(*publisher, *subscriber, "Bar", "join");
  ASSERT_TRUE(joined);
  const auto bars_before = joined->tap_sequence + 1;
  (void)drain(*subscriber);
  for (int i = 0; i < 5; ++i) {
    publisher->publish("Bar", bytesOf("b"));
    publisher->publish("Heartbeat", bytesOf("h"));   // not subscribed: no gap in the others
    publisher->publishLater("Prediction", bytesOf("p"));
  }
  publisher->flush();
  std::map<std::string, std::vector<std::uint64_t>> numbers;
  for (const auto& frame : drain(*subscriber)) {
    EXPECT_EQ(frame.publisher, joined->publisher);
    EXPECT_EQ(frame.missed_before, 0u) << frame.topic << " " << frame.tap_sequence;
    numbers[frame.topic].push_back(frame.tap_sequence);
  }
  EXPECT_EQ(numbers["Bar"], (std::vector<std::uint64_t>{bars_before, bars_before + 1, bars_before + 2, bars_before + 3, bars_before + 4}));
  EXPECT_EQ(numbers["Prediction"], (std::vector<std::uint64_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(subscriber->missed(), 0u);
  // A second publisher (a restarted process) is numbered afresh: no gap either.
  auto restarted = TapPublisher::bind(context_, endpoint("tap2"));
  ASSERT_TRUE(restarted.ok());
  ASSERT_TRUE(subscriber->addEndpoint(endpoint("tap2")).ok());
  const auto again = publishUntilReceived(*restarted, *subscriber, "Bar", "again");
  ASSERT_TRUE(again);
  EXPECT_NE(again->publisher, joined->publisher);
  EXPECT_EQ(again->missed_before, 0u);
  EXPECT_EQ(subscriber->missed(), 0u);
}

// A subscriber that does not keep up loses messages at the high-water marks (the tap is lossy),
// but every one of them is counted: what arrived plus what was missed is all that was sent.
TEST_F(BusTest, TapMessagesDroppedAtTheHighWaterMarkAreCounted) {
  constexpr int kHighWaterMark = 10;
  auto publisher = TapPublisher::bind(context_, endpoint("tap"), kHighWaterMark);
  ASSERT_TRUE(publisher.ok());
  auto subscriber = TapSubscriber::connect(context_, {endpoint("tap")}, {"Bar"}, kHighWaterMark);
  ASSERT_TRUE(subscriber.ok());
  const auto joined = publishUntilReceived(*publisher, *subscriber, "Bar", "join");
  ASSERT_TRUE(joined);
  std::uint64_t last_before = joined->tap_sequence;
  for (const auto& frame : drain(*subscriber)) last_before = frame.tap_sequence;
  const auto missed_before_burst = subscriber->missed();
  const std::string payload(1024, 'x');
  for (int i = 0; i < 20'000; ++i) publisher->publish("Bar", bytesOf(payload));   // far past both marks
  std::uint64_t received = 0, missed = 0;
  for (const auto& frame : drain(*subscriber)) {
    ++received;
    missed += frame.missed_before;
  }
  // The burst's tail may have been dropped too: a marker sent after it closes the count.
  const auto marker = publishUntilReceived(*publisher, *subscriber, "Bar", "marker");
  ASSERT_TRUE(marker);
  ++received;
  missed += marker->missed_before;
  EXPECT_GT(missed, 0u) << "20,000 messages of 1 KiB went through marks of 10 without a drop";
  EXPECT_EQ(marker->tap_sequence - last_before, received + missed) << "every number after the last one before the burst arrived or was counted";
  EXPECT_EQ(subscriber->missed() - missed_before_burst, missed);
}

TEST_F(BusTest, TapFramesWithoutASequenceAreMalformed) {
  zmq::socket_t raw(context_, zmq::socket_type::pub);
  raw.bind(endpoint("raw"));
  auto subscriber = TapSubscriber::connect(context_, {endpoint("raw")}, {});
  ASSERT_TRUE(subscriber.ok());
  for (int i = 0; i < 200 && subscriber->malformed() == 0; ++i) {
    raw.send(zmq::buffer(std::string_view("Bar")), zmq::send_flags::sndmore);
    raw.send(zmq::buffer(std::string_view("two frames only")), zmq::send_flags::none);
    EXPECT_FALSE(subscriber->receive(10ms));
  }
  EXPECT_GT(subscriber->malformed(), 0u);
}

TEST_F(BusTest, IpcSocketFilesAreOwnerOnly) {
  auto publisher = TapPublisher::bind(context_, endpoint("tap"));
  ASSERT_TRUE(publisher.ok());
  struct stat info {};
  ASSERT_EQ(stat((run_dir_ / "tap.sock").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST_F(BusTest, OverlongIpcPathIsAClearError) {
  const auto result = ipcEndpoint(std::filesystem::path("/tmp") / std::string(120, 'r'), "control");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, BusError::kInvalidEndpoint);
  EXPECT_NE(result.error().message.find("107"), std::string::npos);
}

TEST_F(BusTest, ControlRequestGetsItsReply) {
  auto server = ControlServer::bind(context_, endpoint("control"));
  ASSERT_TRUE(server.ok());
  std::thread serving([&] {
    server->serveOne(5s, [](std::span<const std::byte> request) {
      auto reply = std::vector<std::byte>(request.begin(), request.end());
      reply.push_back(std::byte{'!'});
      return reply;
    });
  });
  auto client = ControlClient::connect(context_, endpoint("control"));
  ASSERT_TRUE(client.ok());
  const auto reply = client->request(bytesOf("status"), 5s);
  serving.join();
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  EXPECT_EQ(*reply, bytesOf("status!"));
}

TEST_F(BusTest, ControlClientSaysNothingIsListeningWhenTheSocketIsAbsent) {
  const auto client = ControlClient::connect(context_, endpoint("control"));
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.error().code, BusError::kConnectFailed);
  EXPECT_NE(client.error().message.find("control.sock does not exist"), std::string::npos) << client.error().message;
}

TEST_F(BusTest, TimedOutRequestLeavesTheClientUsable) {
  auto server = ControlServer::bind(context_, endpoint("control"));
  auto client = ControlClient::connect(context_, endpoint("control"));
  ASSERT_TRUE(server.ok() && client.ok());
  // Nobody serves the first request.
  const auto lost = client->request(bytesOf("first"), 50ms);
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(lost.error().code, BusError::kTimedOut);
  // The server still holds the first request; it answers it, then the second.
  std::thread serving([&] {
    for (int i = 0; i < 2; ++i) server->serveOne(5s, [](std::span<const std::byte> request) {
      return std::vector<std::byte>(request.begin(), request.end());
    });
  });
  const auto reply = client->request(bytesOf("second"), 5s);
  serving.join();
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  EXPECT_EQ(*reply, bytesOf("second"));
}

}  // namespace
}  // namespace rrr::bus
