#include "common/bus/tap.h"

#include <array>
#include <cerrno>
#include <random>

#include "bus/socket_setup.h"

namespace rrr::bus {
namespace {

constexpr std::size_t kTapSequenceBytes = 16;

std::array<std::byte, kTapSequenceBytes> encodeTapSequence(std::uint64_t instance, std::uint64_t sequence) {
  std::array<std::byte, kTapSequenceBytes> bytes{};
  for (std::size_t i = 0; i < 8; ++i) {
    bytes[i] = static_cast<std::byte>(instance >> (8 * i));
    bytes[8 + i] = static_cast<std::byte>(sequence >> (8 * i));
  }
  return bytes;
}

std::uint64_t decodeWord(const std::byte* bytes) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 8; ++i) value |= static_cast<std::uint64_t>(bytes[i]) << (8 * i);
  return value;
}

std::uint64_t newInstance() {
  std::random_device source;
  return (static_cast<std::uint64_t>(source()) << 32) ^ source();
}

zmq::socket_t makePublisher(zmq::context_t& context, int high_water_mark) {
  zmq::socket_t socket(context, zmq::socket_type::pub);
  socket.set(zmq::sockopt::sndhwm, high_water_mark);
  socket.set(zmq::sockopt::linger, 0);  // the tap is lossy; never hold up a process's exit
  return socket;
}

}  // namespace

TapPublisher::TapPublisher(zmq::socket_t socket) : socket_(std::move(socket)), instance_(newInstance()) {}

BusResult<TapPublisher> TapPublisher::bind(zmq::context_t& context, const std::string& endpoint,
                                           int high_water_mark) {
  auto socket = makePublisher(context, high_water_mark);
  if (auto status = detail::bindOwnerOnly(socket, endpoint); !status.ok()) return status.error();
  return TapPublisher(std::move(socket));
}

BusResult<TapPublisher> TapPublisher::connect(zmq::context_t& context, const std::string& endpoint,
                                              int high_water_mark) {
  auto socket = makePublisher(context, high_water_mark);
  if (auto status = detail::connectTo(socket, endpoint); !status.ok()) return status.error();
  return TapPublisher(std::move(socket));
}

bool TapPublisher::publish(std::string_view topic, std::span<const std::byte> payload) {
  flush();
  return send(topic, payload);
}

void TapPublisher::publishLater(std::string_view topic, std::span<const std::byte> payload) {
  held_.push_back(Held{std::string(topic), held_bytes_.size(), payload.size()});
  held_bytes_.insert(held_bytes_.end(), payload.begin(), payload.end());
  if (held_.size() >= kMaxHeld) flush();
}

void TapPublisher::flush(const std::function<void()>& before_each) {
  for (const auto& held : held_) {
    if (before_each) before_each();
    send(held.topic, std::span(held_bytes_).subspan(held.offset, held.size));
  }
  held_.clear();
  held_bytes_.clear();
}

bool TapPublisher::send(std::string_view topic, std::span<const std::byte> payload) {
  auto next = next_by_topic_.find(topic);
  if (next == next_by_topic_.end()) next = next_by_topic_.emplace(std::string(topic), 0).first;
  const auto sequence = encodeTapSequence(instance_, next->second++);
  try {
    // ZeroMQ sends a multipart message whole or not at all.
    const auto first = socket_.send(zmq::buffer(topic.data(), topic.size()),
                                    zmq::send_flags::sndmore | zmq::send_flags::dontwait);
    const auto second = first ? socket_.send(zmq::buffer(payload.data(), payload.size()),
                                             zmq::send_flags::sndmore | zmq::send_flags::dontwait)
                              : zmq::send_result_t{};
    const auto third = second ? socket_.send(zmq::buffer(sequence.data(), sequence.size()), zmq::send_flags::dontwait)
                              : zmq::send_result_t{};
    if (first && second && third) {
      ++sent_;
      return true;
    }
  } catch (const zmq::error_t&) {
    // Counted below; the tap never takes a process down.
  }
  ++refused_;
  return false;
}

BusResult<TapSubscriber> TapSubscriber::connect(zmq::context_t& context, const std::vector<std::string>& endpoints,
                                                const std::vector<std::string>& topics, int high_water_mark) {
  zmq::socket_t socket(context, zmq::socket_type::sub);
  socket.set(zmq::sockopt::rcvhwm, high_water_mark);
  socket.set(zmq::sockopt::linger, 0);
  if (topics.empty()) socket.set(zmq::sockopt::subscribe, "");
  for (const auto& topic : topics) socket.set(zmq::sockopt::subscribe, topic);
  for (const auto& endpoint : endpoints) {
    if (auto status = detail::connectTo(socket, endpoint); !status.ok()) return status.error();
  }
  return TapSubscriber(std::move(socket), {topics.begin(), topics.end()});
}

BusStatus TapSubscriber::addEndpoint(const std::string& endpoint) { return detail::connectTo(socket_, endpoint); }

std::optional<TapFrame> TapSubscriber::receive(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
    std::optional<TapFrame> frame;
    try {
      if (zmq::poll(&item, 1, std::max(remaining, std::chrono::milliseconds(0))) == 0) return std::nullopt;
      frame = receiveFrame();
    } catch (const zmq::error_t& error) {
      // A signal (Ctrl-C, SIGTERM, a stop and continue) interrupted the wait: the caller decides.
      if (error.num() == EINTR) return std::nullopt;
      throw;
    }
    if (frame && (topics_.empty() || topics_.contains(frame->topic))) {
      countMissed(*frame);
      return frame;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
  }
}

// Reads one whole multipart message; nothing unless it is exactly [topic][payload][tap sequence].
std::optional<TapFrame> TapSubscriber::receiveFrame() {
  std::vector<zmq::message_t> parts;
  do {
    zmq::message_t part;
    if (!socket_.recv(part, zmq::recv_flags::dontwait)) break;
    parts.push_back(std::move(part));
  } while (parts.back().more());
  if (parts.size() != 3 || parts[2].size() != kTapSequenceBytes) {
    ++malformed_;
    return std::nullopt;
  }
  TapFrame frame;
  frame.topic = parts[0].to_string();
  const auto* data = static_cast<const std::byte*>(parts[1].data());
  frame.payload.assign(data, data + parts[1].size());
  const auto* sequence = static_cast<const std::byte*>(parts[2].data());
  frame.publisher = decodeWord(sequence);
  frame.tap_sequence = decodeWord(sequence + 8);
  return frame;
}

void TapSubscriber::countMissed(TapFrame& frame) {
  auto [expected, first] = expected_.try_emplace({frame.publisher, frame.topic}, frame.tap_sequence);
  // Numbers only rise on one connection; one lower than expected would be a publisher that
  // reused its instance, taken as a new start rather than a gap.
  if (!first && frame.tap_sequence > expected->second) {
    frame.missed_before = frame.tap_sequence - expected->second;
    missed_ += frame.missed_before;
  }
  expected->second = frame.tap_sequence + 1;
}

}  // namespace rrr::bus
