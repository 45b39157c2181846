#pragma once
// The tap: ZeroMQ PUB/SUB carrying copies of messages for rrr-tap and the monitor.
//
// Lossy by design: a PUB socket drops messages for a subscriber whose queue is at the high-water
// mark, and a subscriber that joins late misses what came before. Nothing that must not be lost
// travels only on the tap; durable streams are the shared-memory rings.
//
// Wire format: two frames, [topic][FlatBuffers Envelope]. The topic is the body type name
// ("Bar", "OrderIntent"); subscribers match it exactly (ZeroMQ itself matches prefixes, so
// "Order" would also get "OrderIntent" frames, which TapSubscriber filters out).

#include <chrono>
#include <cstdint>
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

  // Sends one message without ever blocking. False (and counted) if ZeroMQ refused it; drops at
  // a subscriber's high-water mark happen inside ZeroMQ and are not seen here.
  bool publish(std::string_view topic, std::span<const std::byte> payload);

  std::uint64_t sent() const { return sent_; }
  std::uint64_t refused() const { return refused_; }

 private:
  explicit TapPublisher(zmq::socket_t socket) : socket_(std::move(socket)) {}
  zmq::socket_t socket_;
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
  // [topic][payload] are counted in malformed() and skipped.
  std::optional<TapFrame> receive(std::chrono::milliseconds timeout);

  std::uint64_t malformed() const { return malformed_; }

 private:
  TapSubscriber(zmq::socket_t socket, std::set<std::string, std::less<>> topics)
      : socket_(std::move(socket)), topics_(std::move(topics)) {}
  std::optional<TapFrame> receiveFrame();

  zmq::socket_t socket_;
  std::set<std::string, std::less<>> topics_;
  std::uint64_t malformed_ = 0;
};

}  // namespace rrr::bus
