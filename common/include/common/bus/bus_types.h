#pragma once
// Errors and shared types of the ZeroMQ bus (common/bus/*.h).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace rrr::bus {

enum class BusError {
  kInvalidEndpoint,   // malformed, or an ipc:// path too long for a Unix socket
  kBindFailed,
  kConnectFailed,
  kTimedOut,          // no reply within the deadline (is the peer running?)
  kSendFailed,
  kReceiveFailed,
};

template <class T>
using BusResult = Result<T, BusError>;
using BusStatus = Status<BusError>;

// One message off the tap: its topic and the FlatBuffers bytes (not yet verified).
struct TapFrame {
  std::string topic;
  std::vector<std::byte> payload;
  std::uint64_t publisher = 0;       // the publishing TapPublisher's instance
  std::uint64_t tap_sequence = 0;    // among that publisher's messages of this topic, from 0
  std::uint64_t missed_before = 0;   // of this topic and publisher, dropped since the last received
};

}  // namespace rrr::bus
