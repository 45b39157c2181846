#pragma once
// Configuration, error and status types of the shared-memory ring (common/ring/*.h).

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace rrr::ring {

inline constexpr std::uint32_t kMaxConsumers = 32;
inline constexpr std::size_t kConsumerNameMax = 31;
inline constexpr std::uint32_t kSlotHeaderBytes = 16;

// Shape of a ring, fixed when the segment is created.
struct RingConfig {
  std::uint32_t slot_bytes = 512;   // per slot, header included; a multiple of 64
  std::uint64_t capacity = 4096;    // slots; a power of two
  std::uint32_t payloadCapacity() const { return slot_bytes - kSlotHeaderBytes; }
};

enum class RingError {
  kInvalidConfig,
  kNotFound,
  kAlreadyExists,
  kLayoutMismatch,     // the segment was made by another layout version or shape
  kNotInitialized,     // the creator has not finished writing the header
  kProducerAlive,      // another live process is this ring's producer
  kConsumerAlive,      // another live process is attached under this consumer name
  kNoConsumerSlot,     // all kMaxConsumers slots are held
  kInvalidName,
  kSystem,             // an OS call failed; the message says which and why
};

template <class T>
using RingResult = Result<T, RingError>;
using RingStatus = Status<RingError>;

// What a durable consumer guarantees: the producer never overwrites a message it has not
// committed. A lossy consumer may be lapped; it then skips ahead and counts the gap.
enum class ConsumerKind : std::uint32_t { kFree = 0, kDurable = 1, kLossy = 2 };

// Outcome of RingProducer::offer, after Aeron's offer() codes.
enum class PublishStatus {
  kOk,
  kBackPressured,      // a durable consumer has not read far enough; nothing was written
  kMessageTooLarge,    // larger than RingConfig::payloadCapacity(); nothing was written
  kTimedOut,           // publish() waited out its deadline while back-pressured
};

struct ConsumerInfo {
  std::string name;
  ConsumerKind kind = ConsumerKind::kFree;
  std::uint64_t cursor = 0;   // next sequence it will read
  std::uint64_t lag = 0;      // published - cursor
  std::uint64_t gaps = 0;     // messages skipped after being lapped (lossy only)
  bool alive = false;         // a live process holds this consumer's lock
  int pid = 0;                // last process that attached
};

struct RingInfo {
  std::string name;
  RingConfig config;
  std::uint64_t published = 0;   // messages published since creation
  bool producer_alive = false;
  int producer_pid = 0;
  std::vector<ConsumerInfo> consumers;
};

const char* toString(RingError error);
const char* toString(PublishStatus status);
const char* toString(ConsumerKind kind);

}  // namespace rrr::ring
