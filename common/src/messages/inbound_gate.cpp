#include "common/messages/inbound_gate.h"

#include <spdlog/spdlog.h>

#include <cstring>

namespace rrr::messages {

const msg::Envelope* InboundGate::accept(std::span<const std::byte> buffer, std::uint64_t position) {
  if (reinterpret_cast<std::uintptr_t>(buffer.data()) % kEnvelopeAlignment != 0) {
    aligned_.resize((buffer.size() + 7) / 8);
    std::memcpy(aligned_.data(), buffer.data(), buffer.size());
    buffer = {reinterpret_cast<const std::byte*>(aligned_.data()), buffer.size()};
  }
  auto decoded = decode(buffer);
  if (decoded.ok()) {
    ++accepted_;
    return decoded.value();
  }
  ++rejected_;
  last_rejection_ = decoded.error().message;
  if (rejected_ <= kLogFirst || rejected_ % kLogEvery == 0) {
    spdlog::warn("dropped message {} on {}: {} ({} rejected so far)", position, channel_,
                 decoded.error().message, rejected_);
  }
  return nullptr;
}

}  // namespace rrr::messages
