#pragma once
// InboundGate: where a process accepts buffers from one channel (a ring, a socket). Each buffer
// is decoded; a bad one is counted, logged (the first few, then one in every kLogEvery) and
// dropped, and never reaches the caller. Never throws, never aborts on input.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/messages/envelope.h"

namespace rrr::messages {

class InboundGate {
 public:
  static constexpr std::uint64_t kLogFirst = 10;
  static constexpr std::uint64_t kLogEvery = 1000;

  explicit InboundGate(std::string channel) : channel_(std::move(channel)) {}

  // The decoded envelope, or nullptr if buffer was rejected. position names the buffer in logs
  // (a ring sequence, a frame number). A buffer that is not 8-byte aligned (a ZeroMQ frame) is
  // copied into the gate first; the envelope is then valid until the next accept().
  const msg::Envelope* accept(std::span<const std::byte> buffer, std::uint64_t position);

  std::uint64_t accepted() const { return accepted_; }
  std::uint64_t rejected() const { return rejected_; }
  const std::string& lastRejection() const { return last_rejection_; }

 private:
  std::string channel_;
  std::uint64_t accepted_ = 0;
  std::uint64_t rejected_ = 0;
  std::string last_rejection_;
  std::vector<std::uint64_t> aligned_;   // storage for copies of misaligned buffers
};

}  // namespace rrr::messages
