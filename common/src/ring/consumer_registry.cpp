#include "ring/consumer_registry.h"

#include <unistd.h>

#include <cstring>
#include <optional>

#include "common/os/byte_lock.h"
#include "ring/ring_layout.h"

namespace rrr::ring::detail {
namespace {

std::string slotName(const ConsumerSlot& slot) {
  return std::string(slot.name, strnlen(slot.name, sizeof(slot.name)));
}

std::optional<std::uint32_t> findByName(const RingHeader& header, const std::string& name) {
  for (std::uint32_t i = 0; i < kMaxConsumers; ++i) {
    const auto kind = header.consumers[i].kind.load();
    if (kind != static_cast<std::uint32_t>(ConsumerKind::kFree) && slotName(header.consumers[i]) == name) {
      return i;
    }
  }
  return std::nullopt;
}

// A free slot, else a lossy one that no live process holds (lossy slots keep nothing worth keeping).
std::optional<std::uint32_t> findReusable(const RingSegment& segment) {
  const auto& header = segment.header();
  for (std::uint32_t i = 0; i < kMaxConsumers; ++i) {
    if (header.consumers[i].kind.load() == static_cast<std::uint32_t>(ConsumerKind::kFree)) return i;
  }
  for (std::uint32_t i = 0; i < kMaxConsumers; ++i) {
    if (header.consumers[i].kind.load() == static_cast<std::uint32_t>(ConsumerKind::kLossy) &&
        !os::isByteLockedByOther(segment.fd(), consumerLockByte(i))) {
      return i;
    }
  }
  return std::nullopt;
}

// Publishes a new slot starting at the end of the ring. The cursor is valid before the kind makes
// the slot visible to the producer. After bumping the generation we read `published` again: the
// producer reads the generation after each seq_cst store of `published`, so any sequence it wrote
// without seeing this slot is below that second reading, and the cursor moves up to it.
void initialiseSlot(RingHeader& header, std::uint32_t index, const std::string& name, ConsumerKind kind) {
  auto& slot = header.consumers[index];
  slot.kind.store(static_cast<std::uint32_t>(ConsumerKind::kFree));
  std::memset(slot.name, 0, sizeof(slot.name));
  std::memcpy(slot.name, name.data(), name.size());
  slot.gaps.store(0);
  slot.cursor.store(header.published.load());
  slot.kind.store(static_cast<std::uint32_t>(kind));
  header.consumer_generation.fetch_add(1);
  slot.cursor.store(header.published.load());
}

RingStatus errorAlive(const RingSegment& segment, const std::string& name) {
  return makeError(RingError::kConsumerAlive, "consumer '" + name + "' of ring '" + segment.name() +
                                                  "' is already attached by a live process");
}

RingResult<Registration> findOrRegisterLocked(RingSegment& segment, const std::string& name,
                                              ConsumerKind kind, bool attach) {
  auto& header = segment.header();
  auto index = findByName(header, name);
  const bool is_new = !index;
  if (is_new) index = findReusable(segment);
  if (!index) {
    return makeError(RingError::kNoConsumerSlot,
                     "ring '" + segment.name() + "' has all " + std::to_string(kMaxConsumers) +
                         " consumer slots registered; remove an unused durable consumer");
  }
  Registration registration{*index, {}};
  if (attach) {
    registration.lock = os::ByteLock::tryAcquire(segment.fd(), consumerLockByte(*index));
    if (!registration.lock.held()) return errorAlive(segment, name).error();
  }
  auto& slot = header.consumers[*index];
  // A changed kind starts afresh at the end: a lossy cursor may point at overwritten slots.
  if (is_new || (attach && slot.kind.load() != static_cast<std::uint32_t>(kind))) {
    initialiseSlot(header, *index, name, kind);
  }
  if (attach) {
    slot.pid.store(static_cast<std::int32_t>(getpid()));
    // A previous holder killed while asleep may have left its bit set.
    header.sleeping_consumers.fetch_and(~detail::sleeperBits(*index));
  }
  return registration;
}

}  // namespace

RingResult<Registration> findOrRegister(RingSegment& segment, const std::string& name, ConsumerKind kind,
                                        bool attach) {
  if (name.empty() || name.size() > kConsumerNameMax) {
    return makeError(RingError::kInvalidName, "consumer name '" + name + "' must be 1-" +
                                                  std::to_string(kConsumerNameMax) + " characters");
  }
  if (kind == ConsumerKind::kFree) {
    return makeError(RingError::kInvalidConfig, "consumer '" + name + "' needs a kind, durable or lossy");
  }
  if (!os::lockByte(segment.fd(), kRegistryLockByte)) {
    return makeError(RingError::kSystem, "cannot take the registry lock of ring '" + segment.name() + "'");
  }
  auto result = findOrRegisterLocked(segment, name, kind, attach);
  os::unlockByte(segment.fd(), kRegistryLockByte);
  return result;
}

}  // namespace rrr::ring::detail
