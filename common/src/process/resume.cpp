#include "common/process/resume.h"

#include "common/messages/envelope.h"

namespace rrr::process {

std::optional<std::uint64_t> resumeAfterLastOutput(ring::RingConsumer& input, const ring::RingProducer& output) {
  const auto last = output.lastPublished();
  if (!last) return std::nullopt;
  const auto decoded = messages::decode(*last);
  if (!decoded.ok() || !decoded.value()->cause_sequence()) return std::nullopt;
  const std::uint64_t cause = *decoded.value()->cause_sequence();
  input.skipThrough(cause);
  return cause;
}

}  // namespace rrr::process
