#include "common/ring/ring_consumer.h"

#include <algorithm>
#include <atomic>

#include "common/enforce.h"
#include "ring/consumer_registry.h"
#include "common/os/futex.h"
#include "common/ring/before_blocking.h"
#include "ring/ring_layout.h"
#include "ring/shared_copy.h"

namespace rrr::ring {

using detail::committedStamp;

RingResult<RingConsumer> RingConsumer::attach(const std::string& ring_name,
                                              const std::string& consumer_name, ConsumerKind kind) {
  auto segment = RingSegment::open(ring_name);
  if (!segment.ok()) return segment.error();
  auto registration = detail::findOrRegister(*segment, consumer_name, kind, /*attach=*/true);
  if (!registration.ok()) return registration.error();
  return RingConsumer(std::move(segment).value(), std::move(registration->lock), registration->index, kind);
}

RingStatus RingConsumer::registerConsumer(RingSegment& segment, const std::string& consumer_name,
                                          ConsumerKind kind) {
  auto registration = detail::findOrRegister(segment, consumer_name, kind, /*attach=*/false);
  if (!registration.ok()) return registration.error();
  return {};
}

RingConsumer::RingConsumer(RingSegment segment, os::ByteLock lock, std::uint32_t index, ConsumerKind kind)
    : segment_(std::move(segment)), lock_(std::move(lock)), index_(index), kind_(kind) {
  cursor_ = segment_.header().consumers[index_].cursor.load();
  known_published_ = segment_.published();
  if (kind_ == ConsumerKind::kLossy) copy_.resize(segment_.config().slot_bytes);
}

bool RingConsumer::available() {
  if (cursor_ < known_published_) return true;
  known_published_ = segment_.header().published.load(std::memory_order_seq_cst);
  return cursor_ < known_published_;
}

std::optional<RingMessage> RingConsumer::peek() {
  if (!available()) return std::nullopt;
  auto message = kind_ == ConsumerKind::kDurable ? peekDurable() : peekLossy();
  if (message) {
    peeked_ = true;
    peeked_sequence_ = message->sequence;
  }
  return message;
}

// The producer does not touch a slot this consumer has not committed, so it is read in place.
std::optional<RingMessage> RingConsumer::peekDurable() {
  const auto& slot = segment_.slot(cursor_);
  const std::uint64_t stamp = std::atomic_ref<const std::uint64_t>(slot.stamp).load(std::memory_order_acquire);
  RRR_ENFORCE(stamp == committedStamp(cursor_), "durable ring slot overwritten before it was read");
  // A length beyond the slot can only come from a corrupt segment; clamping hands the receiver a
  // buffer that fails verification instead of a read past the slot.
  const std::uint32_t length = std::min(slot.length, segment_.config().payloadCapacity());
  return RingMessage{cursor_, {segment_.payload(cursor_), length}, 0};
}

// Seqlock read: copy, then confirm the stamp did not move. A moved stamp means the producer
// lapped us; skip to the oldest sequence still intact and count what was skipped.
std::optional<RingMessage> RingConsumer::peekLossy() {
  const std::uint64_t capacity = segment_.config().capacity;
  const std::uint32_t payload_capacity = segment_.config().payloadCapacity();
  for (;;) {
    auto& slot = segment_.slot(cursor_);
    const std::uint64_t before = std::atomic_ref<std::uint64_t>(slot.stamp).load(std::memory_order_acquire);
    if (before == committedStamp(cursor_)) {
      const std::uint32_t length =
          std::min(std::atomic_ref<std::uint32_t>(slot.length).load(std::memory_order_acquire), payload_capacity);
      detail::copyFromSlot(copy_.data(), segment_.payload(cursor_), length);  // acquire loads
      const std::uint64_t after = std::atomic_ref<std::uint64_t>(slot.stamp).load(std::memory_order_relaxed);
      if (after == before) {
        const std::uint64_t skipped = std::exchange(pending_skip_, 0);
        return RingMessage{cursor_, {copy_.data(), length}, skipped};
      }
    }
    // Overwritten: the oldest sequence that can still be intact is a full ring behind the newest
    // published (its slot may be in the middle of being reused; the stamp check then skips it too).
    known_published_ = segment_.header().published.load(std::memory_order_seq_cst);
    const std::uint64_t oldest = known_published_ >= capacity ? known_published_ - capacity : 0;
    const std::uint64_t resume = std::max(cursor_ + 1, oldest);
    pending_skip_ += resume - cursor_;
    segment_.header().consumers[index_].gaps.fetch_add(resume - cursor_, std::memory_order_relaxed);
    storeCursor(resume);
    if (!available()) return std::nullopt;
  }
}

void RingConsumer::commit() {
  RRR_ENFORCE(peeked_, "commit() without a peeked message");
  peeked_ = false;
  storeCursor(peeked_sequence_ + 1);
}

void RingConsumer::advance() {
  RRR_ENFORCE(peeked_, "advance() without a peeked message");
  peeked_ = false;
  cursor_ = peeked_sequence_ + 1;
}

void RingConsumer::commitThrough(std::uint64_t sequence) {
  RRR_ENFORCE(sequence < cursor_, "commitThrough() beyond the read position");
  const std::uint64_t read_position = cursor_;
  storeCursor(sequence + 1);
  cursor_ = read_position;
}

void RingConsumer::rewindToCommitted() {
  peeked_ = false;
  pending_skip_ = 0;
  cursor_ = segment_.header().consumers[index_].cursor.load(std::memory_order_acquire);
}

// Dekker pairing with RingProducer::waitForSpace(): store the cursor, then read producer_waiting.
void RingConsumer::storeCursor(std::uint64_t cursor) {
  cursor_ = cursor;
  auto& header = segment_.header();
  if (kind_ == ConsumerKind::kLossy) {
    header.consumers[index_].cursor.store(cursor, std::memory_order_release);
    return;
  }
  header.consumers[index_].cursor.store(cursor, std::memory_order_seq_cst);
  if (header.producer_waiting.load(std::memory_order_seq_cst) != 0) {
    header.space_signal.fetch_add(1);
    os::futexWakeAll(header.space_signal);
  }
}

// Dekker pairing with RingProducer::commit(): set our sleeping bit, then read `published`; the
// producer stores `published`, then reads the sleeping bits. With `also`, the same on its ring.
RingConsumer::Wake RingConsumer::blockOnce(std::chrono::nanoseconds timeout, std::uint32_t wake_classes, bool lazy, bool defer_chores,
                                           RingConsumer* also) {
  if (!defer_chores) runBeforeBlocking();
  auto& header = segment_.header();
  const std::uint64_t bit = lazy ? detail::lazySleeperBit(index_) : detail::promptSleeperBit(index_);
  const std::uint32_t heads_up = header.heads_up_signal.load();
  const std::uint32_t signal = header.data_signal.load();
  header.sleeping_consumers.fetch_or(bit);
  detail::RingHeader* also_header = also ? &also->segment_.header() : nullptr;
  const std::uint64_t also_bit = also ? detail::promptSleeperBit(also->index_) : 0;
  const std::uint32_t also_signal = also_header ? also_header->data_signal.load() : 0;
  if (also_header) also_header->sleeping_consumers.fetch_or(also_bit);
  const auto awake = [&]() {
    header.sleeping_consumers.fetch_and(~bit);
    if (also_header) also_header->sleeping_consumers.fetch_and(~also_bit);
  };
  if (available() || (also && also->available())) {
    awake();
    return Wake::kMessage;
  }
  if (!defer_chores) {
    prefaultAhead();
    if (also) also->prefaultAhead();
  }
  if (!also_header || !os::futexWaitEither(header.data_signal, signal, also_header->data_signal, also_signal, timeout)) {
    os::futexWaitFor(header.data_signal, signal, timeout, lazy ? wake_classes | os::kWakeBatch : wake_classes);
  }
  awake();
  if (available() || (also && also->available())) return Wake::kMessage;
  // Woken with nothing to read and no heads-up given (a wake-up for another reader, a message this
  // one read while it polled): as if timed out, so that the caller sleeps again.
  return header.heads_up_signal.load() != heads_up ? Wake::kHeadsUp : Wake::kTimeout;
}

bool RingConsumer::waitForMessage(std::chrono::nanoseconds timeout, const IdlePolicy& policy) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  // Only a reader that spins after a heads-up accepts one; the others sleep through it.
  const auto classes = policy.spin_after_wake.count() > 0 ? os::kWakeData | os::kWakeHeadsUp : os::kWakeData;
  Backoff backoff(policy);
  for (;;) {
    if (available()) return true;
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    if (!backoff.shouldBlock()) continue;
    const auto woke = blockOnce(std::min<std::chrono::nanoseconds>(policy.block_timeout, deadline - now), classes, policy.lazy_wake, policy.defer_chores);
    if (woke == Wake::kMessage) return true;
    // Woken by a heads-up, not timed out: spin again, the message is close.
    if (woke == Wake::kHeadsUp) backoff = Backoff(policy, /*woken=*/true);
  }
}

RingConsumer::Wake RingConsumer::waitForMessageOrHeadsUp(std::chrono::nanoseconds timeout, RingConsumer* also) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (available() || (also && also->available())) return Wake::kMessage;
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return Wake::kTimeout;
    const auto woke = blockOnce(std::min<std::chrono::nanoseconds>(IdlePolicy::block_timeout_default(), deadline - now),
                                os::kWakeData | os::kWakeHeadsUp, false, false, also);
    if (woke != Wake::kTimeout) return woke;
  }
}

bool RingConsumer::skipThrough(std::uint64_t sequence) {
  if (sequence >= segment_.published()) return false;
  if (sequence + 1 > cursor_) {
    peeked_ = false;
    pending_skip_ = 0;
    storeCursor(sequence + 1);
  }
  return true;
}

std::uint64_t RingConsumer::uncommitted() const {
  const std::uint64_t committed = segment_.header().consumers[index_].cursor.load(std::memory_order_relaxed);
  return cursor_ > committed ? cursor_ - committed : 0;
}

std::uint64_t RingConsumer::lag() const {
  const std::uint64_t published = segment_.published();
  return published > cursor_ ? published - cursor_ : 0;
}

std::uint64_t RingConsumer::gaps() const {
  return segment_.header().consumers[index_].gaps.load(std::memory_order_relaxed);
}

}  // namespace rrr::ring
