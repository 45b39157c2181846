#include "common/messages/inbound_gate.h"

#include <spdlog/spdlog.h>

namespace rrr::messages {

const msg::Envelope* InboundGate::accept(std::span<const std::byte> buffer, std::uint64_t position) {
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
