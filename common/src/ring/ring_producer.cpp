#include "common/ring/ring_producer.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <limits>

#include "common/enforce.h"
#include "common/os/futex.h"
#include "common/ring/before_blocking.h"
#include "ring/deferred_wakes.h"
#include "ring/ring_layout.h"
#include "ring/shared_copy.h"

namespace rrr::ring {

using detail::committedStamp;
using detail::writingStamp;

RingResult<RingProducer> RingProducer::open(const std::string& name) {
  auto segment = RingSegment::open(name);
  if (!segment.ok()) return segment.error();
  auto lock = os::ByteLock::tryAcquire(segment->fd(), detail::kProducerLockByte);
  if (!lock.held()) {
    return makeError(RingError::kProducerAlive,
                     "ring '" + name + "' already has a live producer (pid " +
                         std::to_string(segment->header().producer_pid.load()) + ")");
  }
  return RingProducer(std::move(segment).value(), std::move(lock));
}

RingProducer::RingProducer(RingSegment segment, os::ByteLock producer_lock)
    : segment_(std::move(segment)), producer_lock_(std::move(producer_lock)) {
  auto& header = segment_.header();
  header.producer_pid.store(static_cast<std::int32_t>(getpid()));
  next_ = header.published.load(std::memory_order_seq_cst);
  payload_capacity_ = segment_.config().payloadCapacity();
  const std::uint64_t stamp = std::atomic_ref<std::uint64_t>(segment_.slot(next_).stamp).load();
  recovered_claim_ = stamp == writingStamp(next_);
  generation_ = header.consumer_generation.load() - 1;  // forces a first computation of limit_
  // The previous producer may have died between publishing and waking sleepers.
  wakeConsumers();
}

std::uint64_t RingProducer::durableLimit() const {
  auto& header = segment_.header();
  std::uint64_t slowest = std::numeric_limits<std::uint64_t>::max();
  for (const auto& consumer : header.consumers) {
    if (consumer.kind.load() == static_cast<std::uint32_t>(ConsumerKind::kDurable)) {
      slowest = std::min(slowest, consumer.cursor.load());
    }
  }
  if (slowest == std::numeric_limits<std::uint64_t>::max()) return slowest;
  return slowest + header.capacity;
}

// The generation is loaded after the previous publish's seq_cst store of `published`; a consumer
// registers by bumping it and then reading `published`. One of the two sees the other, so a new
// durable consumer is never overwritten (see RingConsumer::attach).
bool RingProducer::hasSpace() {
  const std::uint32_t generation = segment_.header().consumer_generation.load();
  if (next_ < limit_ && generation == generation_) return true;
  generation_ = generation;
  limit_ = durableLimit();
  return next_ < limit_;
}

PublishResult RingProducer::claim(std::uint32_t bytes) {
  RRR_ENFORCE(!claim_open_, "claim() with a claim outstanding");
  if (bytes > payload_capacity_) return {PublishStatus::kMessageTooLarge, next_};
  if (!hasSpace()) return {PublishStatus::kBackPressured, next_};
  auto& slot = segment_.slot(next_);
  std::atomic_ref<std::uint64_t>(slot.stamp).store(writingStamp(next_), std::memory_order_relaxed);
  // Release: a reader that sees this length (or any payload word) also sees the stamp above.
  std::atomic_ref<std::uint32_t>(slot.length).store(bytes, std::memory_order_release);
  claimed_bytes_ = bytes;
  claim_open_ = true;
  return {PublishStatus::kOk, next_};
}

void RingProducer::write(std::size_t offset, std::span<const std::byte> data) {
  RRR_ENFORCE(claim_open_, "write() without a claim");
  RRR_ENFORCE(offset % 8 == 0 && offset + data.size() <= claimed_bytes_, "write() outside the claim");
  detail::copyToSlot(segment_.payload(next_) + offset, data.data(), data.size());
}

std::uint64_t RingProducer::commit() {
  RRR_ENFORCE(claim_open_, "commit() without a claim");
  auto& header = segment_.header();
  const std::uint64_t sequence = next_;
  std::atomic_ref<std::uint64_t>(segment_.slot(sequence).stamp)
      .store(committedStamp(sequence), std::memory_order_release);
  header.published.store(sequence + 1, std::memory_order_seq_cst);
  next_ = sequence + 1;
  claim_open_ = false;
  const std::uint64_t sleepers = header.sleeping_consumers.load(std::memory_order_seq_cst);
  if ((sleepers & detail::kPromptSleepers) != 0 || (sleepers != 0 && ++held_wakes_ >= kMaxHeldWakes)) {
    wakeConsumers();
  } else if (sleepers != 0) {
    detail::deferWake(header);   // only batching readers sleep: woken when this thread blocks
  }
  return sequence;
}

void RingProducer::warmNext(std::uint32_t bytes, std::uint64_t ahead) const {
  constexpr std::size_t kLine = 64;
  __builtin_prefetch(&segment_.slot(next_ + ahead), /*write=*/1);
  const std::byte* payload = segment_.payload(next_ + ahead);
  const std::size_t end = std::min(bytes, payload_capacity_);
  for (std::size_t offset = 0; offset < end; offset += kLine) __builtin_prefetch(payload + offset, /*write=*/1);
}

std::optional<std::vector<std::byte>> RingProducer::lastPublished() const {
  if (next_ == 0) return std::nullopt;
  const std::uint64_t sequence = next_ - 1;
  const auto& slot = segment_.slot(sequence);
  const std::uint32_t length = std::min(slot.length, payload_capacity_);
  std::vector<std::byte> copy((length + 7) / 8 * 8);
  detail::copyFromSlot(copy.data(), segment_.payload(sequence), length);
  copy.resize(length);
  return copy;
}

void headsUp(const RingSegment& segment) {
  auto& header = segment.header();
  // Only a prompt sleeper can take a heads-up; a batching one (rrr-store) waits for data alone, and
  // a futex call for it would cost the stage giving the heads-up a system call on the hot path.
  if ((header.sleeping_consumers.load(std::memory_order_seq_cst) & detail::kPromptSleepers) == 0) return;
  header.heads_up_signal.fetch_add(1, std::memory_order_seq_cst);
  header.data_signal.fetch_add(1, std::memory_order_seq_cst);
  os::futexWakeClass(header.data_signal, os::kWakeHeadsUp);
}

void RingProducer::wakeConsumers() {
  held_wakes_ = 0;
  detail::wakeSleepers(segment_.header(), os::kWakeEvery);
}

PublishResult RingProducer::offer(std::span<const std::byte> message) {
  const auto claimed = claim(static_cast<std::uint32_t>(std::min<std::size_t>(
      message.size(), std::numeric_limits<std::uint32_t>::max())));
  if (!claimed.ok()) return claimed;
  write(0, message);
  return {PublishStatus::kOk, commit()};
}

PublishResult RingProducer::publish(std::span<const std::byte> message,
                                    std::chrono::nanoseconds timeout, const IdlePolicy& policy) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto result = offer(message);
    if (result.status != PublishStatus::kBackPressured) return result;
    const auto waited = waitForSpace(deadline, policy);
    if (!waited.ok()) return waited;
  }
}

// Dekker pairing with RingConsumer::commit(): we set producer_waiting and then read the
// cursors; a durable consumer stores its cursor and then reads producer_waiting.
PublishResult RingProducer::waitForSpace(std::chrono::steady_clock::time_point deadline,
                                         const IdlePolicy& policy) {
  auto& header = segment_.header();
  Backoff backoff(policy);
  for (;;) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return {PublishStatus::kTimedOut, next_};
    if (!backoff.shouldBlock()) {
      if (hasSpace()) return {PublishStatus::kOk, next_};
      continue;
    }
    runBeforeBlocking();
    const std::uint32_t signal = header.space_signal.load();
    header.producer_waiting.store(1);
    if (hasSpace()) {
      header.producer_waiting.store(0);
      return {PublishStatus::kOk, next_};
    }
    os::futexWait(header.space_signal, signal, std::min<std::chrono::nanoseconds>(
                                                       policy.block_timeout, deadline - now));
    header.producer_waiting.store(0);
  }
}

}  // namespace rrr::ring
