#pragma once
// RingProducer: the one writer of a ring.
//
// Sequences start at 0 when the ring is created and have no gaps. A producer that dies at any
// instant and is opened again continues at nextSequence(): a message is published when
// offer()/commit() returns kOk and not before, so a message whose write was cut short by a crash
// was never visible to anyone and is simply written again.
//
// Thread safety: one thread per RingProducer; one RingProducer per ring across all processes
// (open() enforces it with a lock the kernel releases when the holder dies).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/os/byte_lock.h"
#include "common/ring/idle_policy.h"
#include "common/ring/prefault_window.h"
#include "common/ring/ring_segment.h"

namespace rrr::ring {

struct PublishResult {
  PublishStatus status = PublishStatus::kOk;
  std::uint64_t sequence = 0;   // the sequence written, when status is kOk
  bool ok() const { return status == PublishStatus::kOk; }
};

// The same, by anyone who maps the ring: rrr-ingest gives the whole hot path (its own ring and the
// rings further down) one heads-up before a bar is due.
void headsUp(const RingSegment& segment);

class RingProducer {
 public:
  // Opens ring `name` as its producer. kProducerAlive if a live process already is.
  static RingResult<RingProducer> open(const std::string& name);

  RingProducer(RingProducer&&) noexcept = default;
  RingProducer& operator=(RingProducer&&) noexcept = default;

  // Publishes message as the next sequence without waiting. kBackPressured when the slot is
  // still unread by a durable consumer; kMessageTooLarge past payloadCapacity().
  PublishResult offer(std::span<const std::byte> message);

  // As offer(), but while back-pressured waits per policy (spin, yield, then block until a
  // durable consumer moves) for up to timeout; then kTimedOut.
  PublishResult publish(std::span<const std::byte> message, std::chrono::nanoseconds timeout,
                        const IdlePolicy& policy = {});

  // Two-phase publish. claim() reserves the next slot for `bytes` of payload (marking it
  // in-progress), write() fills it, commit() publishes it. A crash between claim and commit
  // leaves the slot unpublished; readers never see it and the next producer rewrites it.
  // REQUIRES: claim: no claim outstanding. write/commit: a successful claim outstanding,
  // offset + data.size() <= the claimed bytes, offset a multiple of 8.
  PublishResult claim(std::uint32_t bytes);
  void write(std::size_t offset, std::span<const std::byte> data);
  std::uint64_t commit();

  // Wakes the consumers blocked on this ring that accept a heads-up (IdlePolicy::headsUp) without
  // publishing: a message is due shortly (a bar about to close), so they spin and see it in
  // nanoseconds instead of a futex wake-up later. Costs nothing if none is asleep.
  void headsUp() { ring::headsUp(segment_); }

  // Maps the pages of the next slots into this process; call while idle (see PrefaultWindow).
  void prefaultAhead() { prefault_.ahead(segment_, next_); }

  // Brings the first `bytes` of payload and the header of the slot `ahead` past the next one into
  // this core's cache, ready to be written, without writing: for a producer that knows a message
  // is due shortly.
  void warmNext(std::uint32_t bytes, std::uint64_t ahead = 0) const;

  std::uint64_t nextSequence() const { return next_; }
  // A copy of the last published message, or nothing if none was. A restarted producer of a
  // derived stream reads it to learn which input it had got to (Envelope.cause_sequence).
  std::optional<std::vector<std::byte>> lastPublished() const;
  std::uint32_t payloadCapacity() const { return payload_capacity_; }
  // True if open() found a slot that the previous producer had claimed but not committed.
  bool recoveredUncommittedClaim() const { return recovered_claim_; }
  const RingSegment& segment() const { return segment_; }

 private:
  RingProducer(RingSegment segment, os::ByteLock producer_lock);
  bool hasSpace();
  std::uint64_t durableLimit() const;
  void wakeConsumers();
  PublishResult waitForSpace(std::chrono::steady_clock::time_point deadline, const IdlePolicy& policy);

  RingSegment segment_;
  os::ByteLock producer_lock_;         // after segment_: released before the mapping closes
  std::uint64_t next_ = 0;
  std::uint64_t limit_ = 0;            // first sequence that would overwrite an unread durable slot
  std::uint32_t generation_ = 0;       // consumer_generation when limit_ was computed
  std::uint32_t payload_capacity_ = 0;
  std::uint32_t claimed_bytes_ = 0;
  bool claim_open_ = false;
  // Messages committed while only batching readers slept, since they were last woken: past
  // kMaxHeldWakes they are woken at once, so a producer that never blocks still wakes them.
  std::uint32_t held_wakes_ = 0;
  static constexpr std::uint32_t kMaxHeldWakes = 64;
  bool recovered_claim_ = false;
  PrefaultWindow prefault_;
};

}  // namespace rrr::ring
