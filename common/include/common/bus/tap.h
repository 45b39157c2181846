#pragma once
// The tap: ZeroMQ PUB/SUB carrying copies of messages for rrr-tap and the monitor.
//
// Lossy by design: a PUB socket drops messages for a subscriber whose queue is at the high-water
// mark, and a subscriber that joins late misses what came before. Nothing that must not be lost
// travels only on the tap; durable streams are the shared-memory rings.
//
// Wire format: three frames, [topic][FlatBuffers Envelope][tap sequence]. The topic is the body
// type name ("Bar", "OrderIntent"); subscribers match it exactly (ZeroMQ itself matches prefixes,
// so "Order" would also get "OrderIntent" frames, which TapSubscriber filters out). The tap
// sequence is 16 bytes, little-endian: the publisher's instance (a random number per
// TapPublisher, so a restarted process is a new one) and the message's number among that
// publisher's messages of its topic, from 0. A subscriber sees every number of a topic it takes
// in order; one it never sees was dropped (at a high-water mark, or refused), and the subscriber
// counts it instead of losing it silently.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <zmq.hpp>

#include "common/bus/bus_types.h"

namespace rrr::bus {

inline constexpr int kTapHighWaterMark = 10'000;   // messages queued per subscriber

class TapPublisher {
 public:
  // Binds a PUB socket; an ipc:// socket file is made owner-only (0600).
  static BusResult<TapPublisher> bind(zmq::context_t& context, const std::string& endpoint,
                                      int high_water_mark = kTapHighWaterMark);
  // Connects a PUB socket to a subscriber or proxy that binds.
  static BusResult<TapPublisher> connect(zmq::context_t& context, const std::string& endpoint,
                                         int high_water_mark = kTapHighWaterMark);

  // Sends one message without ever blocking, after any held by publishLater(). False (and
  // counted) if ZeroMQ refused it; drops at a subscriber's high-water mark happen inside ZeroMQ and
  // are not seen here.
  bool publish(std::string_view topic, std::span<const std::byte> payload);

  // Keeps a copy to send at the next flush() or publish(): a ZeroMQ send costs ~5-20 us, which a
  // stage of the hot path should not pay between its output and the next stage's reply. Sends at
  // once when kMaxHeld are held, so a process that never runs out of work still publishes.
  void publishLater(std::string_view topic, std::span<const std::byte> payload);
  // Sends what publishLater() holds, in order; before_each, if given, runs before each send.
  void flush(const std::function<void()>& before_each = {});
  std::size_t held() const { return held_.size(); }

  static constexpr std::size_t kMaxHeld = 256;

  std::uint64_t sent() const { return sent_; }
  std::uint64_t refused() const { return refused_; }

 private:
  explicit TapPublisher(zmq::socket_t socket);
  bool send(std::string_view topic, std::span<const std::byte> payload);

  struct Held {
    std::string topic;
    std::size_t offset = 0;   // into held_bytes_
    std::size_t size = 0;
  };
  zmq::socket_t socket_;
  std::vector<Held> held_;
  std::vector<std::byte> held_bytes_;   // the held payloads, one after another
  std::uint64_t instance_ = 0;
  std::map<std::string, std::uint64_t, std::less<>> next_by_topic_;   // numbered when sent or refused
  std::uint64_t sent_ = 0;
  std::uint64_t refused_ = 0;
};

class TapSubscriber {
 public:
  // Connects to every endpoint and subscribes to topics (all topics when empty).
  static BusResult<TapSubscriber> connect(zmq::context_t& context, const std::vector<std::string>& endpoints,
                                          const std::vector<std::string>& topics,
                                          int high_water_mark = kTapHighWaterMark);

  // Connects to one more publisher (one that started after this subscriber).
  BusStatus addEndpoint(const std::string& endpoint);

  // The next frame of a subscribed topic, waiting up to timeout. Frames that are not exactly
  // [topic][payload][16-byte tap sequence] are counted in malformed() and skipped. A frame's
  // missed_before counts the messages of its topic and publisher that were dropped since the
  // last one received; the first frame received from a publisher misses nothing (it may have
  // started before this subscriber).
  std::optional<TapFrame> receive(std::chrono::milliseconds timeout);

  std::uint64_t malformed() const { return malformed_; }
  // Messages of the subscribed topics that were dropped between frames received, in all.
  std::uint64_t missed() const { return missed_; }

 private:
  TapSubscriber(zmq::socket_t socket, std::set<std::string, std::less<>> topics)
      : socket_(std::move(socket)), topics_(std::move(topics)) {}
  std::optional<TapFrame> receiveFrame();
  void countMissed(TapFrame& frame);

  zmq::socket_t socket_;
  std::set<std::string, std::less<>> topics_;
  // The next tap sequence expected per publisher instance and topic.
  std::map<std::pair<std::uint64_t, std::string>, std::uint64_t, std::less<>> expected_;
  std::uint64_t malformed_ = 0;
  std::uint64_t missed_ = 0;
};

}  // namespace rrr::bus
