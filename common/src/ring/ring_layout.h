#pragma once
// The bytes of a ring segment. Shared by processes that may be different builds, so the layout
// is versioned (kLayoutVersion) and every size is checked on open. Only fixed-width integers and
// lock-free atomics; no pointers, only indices.
//
// [RingHeader][slot 0][slot 1]...[slot capacity-1]
// Slot: [SlotHeader: stamp, length][payload ... up to slot_bytes - 16]

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "common/ring/ring_types.h"

namespace rrr::ring::detail {

inline constexpr std::uint64_t kMagic = 0x31474e4952525252ull;  // "RRRRING1"
inline constexpr std::uint32_t kLayoutVersion = 1;
inline constexpr std::size_t kCacheLine = 64;

static_assert(std::atomic<std::uint64_t>::is_always_lock_free);
static_assert(std::atomic<std::uint32_t>::is_always_lock_free);
static_assert(std::atomic<std::int32_t>::is_always_lock_free);

struct alignas(kCacheLine) ConsumerSlot {
  std::atomic<std::uint32_t> kind;          // ConsumerKind
  std::atomic<std::int32_t> pid;
  char name[kConsumerNameMax + 1];
  // Written only by the attached consumer; read by the producer when it needs space.
  alignas(kCacheLine) std::atomic<std::uint64_t> cursor;
  std::atomic<std::uint64_t> gaps;
};

struct RingHeader {
  // Line 0: written once by the creator, then read-only. magic is stored last (release).
  std::atomic<std::uint64_t> magic;
  std::uint32_t layout_version;
  std::uint32_t header_bytes;
  std::uint32_t slot_bytes;
  std::uint32_t max_consumers;
  std::uint64_t capacity;
  std::uint64_t segment_bytes;
  // Random per creation: a consumer that keeps its own durable cursor (the store) keys it by this,
  // so that a cursor from an earlier incarnation of the ring is never applied to a new one.
  std::uint64_t instance_id;

  // Producer line: the count of committed messages (= the next sequence to write).
  alignas(kCacheLine) std::atomic<std::uint64_t> published;
  std::atomic<std::int32_t> producer_pid;

  // Consumers that may be blocked on data_signal: bit i for slot i when it wants a wake-up per
  // message, bit 32 + i when it batches and may be woken late (see lazySleeperBit). Bits are set
  // and cleared idempotently, so a consumer killed while asleep leaves at most a stale bit, which
  // costs the producer a spare wake-up until that slot is attached again. A producer that predates
  // the lazy bits wakes them at once, which is still correct.
  alignas(kCacheLine) std::atomic<std::uint64_t> sleeping_consumers;
  std::atomic<std::uint32_t> data_signal;   // futex word: bumped when data arrives for sleepers
  // Bumped by a heads-up before it bumps data_signal, so that a woken reader tells a heads-up from
  // a wake-up that brought it nothing. In what was padding: a segment made by an older build
  // holds 0 here, and heads-ups from an older producer read as such empty wake-ups.
  std::atomic<std::uint32_t> heads_up_signal;

  // Set while the producer is blocked on space_signal waiting for a durable consumer.
  alignas(kCacheLine) std::atomic<std::uint32_t> producer_waiting;
  std::atomic<std::uint32_t> space_signal;  // futex word: bumped when a waited-on cursor moves

  // Bumped whenever the set of durable consumers changes, so the producer recomputes its limit.
  alignas(kCacheLine) std::atomic<std::uint32_t> consumer_generation;

  ConsumerSlot consumers[kMaxConsumers];
};

struct SlotHeader {
  std::uint64_t stamp;    // 0 never written; 2s+1 while sequence s is written; 2s+2 committed
  std::uint32_t length;   // payload bytes
  std::uint32_t reserved;
};

static_assert(sizeof(SlotHeader) == kSlotHeaderBytes);
static_assert(std::is_trivially_copyable_v<SlotHeader>);
static_assert(std::is_standard_layout_v<RingHeader>);
static_assert(sizeof(RingHeader) % kCacheLine == 0);
static_assert(kMaxConsumers <= 32, "sleeping_consumers holds two 32-bit masks");

inline constexpr std::uint64_t promptSleeperBit(std::uint32_t index) { return std::uint64_t{1} << index; }
inline constexpr std::uint64_t lazySleeperBit(std::uint32_t index) { return std::uint64_t{1} << (32 + index); }
inline constexpr std::uint64_t kPromptSleepers = 0xffff'ffffull;
inline constexpr std::uint64_t sleeperBits(std::uint32_t index) { return promptSleeperBit(index) | lazySleeperBit(index); }

inline constexpr std::uint64_t writingStamp(std::uint64_t sequence) { return 2 * sequence + 1; }
inline constexpr std::uint64_t committedStamp(std::uint64_t sequence) { return 2 * sequence + 2; }

// OFD lock bytes on the segment's file: the kernel releases them when the holder dies.
inline constexpr long kProducerLockByte = 0;
inline constexpr long kRegistryLockByte = 1;
inline constexpr long consumerLockByte(std::uint32_t index) { return 2 + static_cast<long>(index); }

}  // namespace rrr::ring::detail
