#pragma once
// RingConsumer: one named reader of a ring, with its cursor kept in the segment.
//
// A consumer is registered under a name; attaching again under the same name (after a crash or a
// restart) resumes at the stored cursor. Delivery is in sequence order. peek() returns the next
// message and commit() consumes it, so a consumer killed between the two sees that message again:
// the ring gives at-least-once delivery to the process. A consumer whose effects must happen
// exactly once keeps its own durable cursor next to those effects (the store commits it in the
// same SQLite transaction as the rows) and calls skipThrough() with it after attaching.
//
// Durable consumers are never overwritten: the producer waits for them. Lossy consumers may be
// lapped; the next message they see then reports how many sequences were skipped.
//
// Thread safety: one thread per RingConsumer; one live attachment per name across all processes.

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

struct RingMessage {
  std::uint64_t sequence = 0;
  std::span<const std::byte> payload;   // valid until commit() or the next peek()
  std::uint64_t skipped_before = 0;     // sequences lost to lapping just before this one
};

class RingConsumer {
 public:
  // Attaches under consumer_name, registering it at the current end of the ring if new.
  // kConsumerAlive if a live process is attached under that name; kNoConsumerSlot if all slots
  // are held (a dead lossy consumer's slot is reused; a dead durable one's is kept).
  static RingResult<RingConsumer> attach(const std::string& ring_name, const std::string& consumer_name,
                                         ConsumerKind kind);

  // Registers consumer_name on an open segment without attaching, so that a durable consumer
  // holds data from now on even before its process starts. No-op if already registered.
  static RingStatus registerConsumer(RingSegment& segment, const std::string& consumer_name,
                                     ConsumerKind kind);

  RingConsumer(RingConsumer&&) noexcept = default;
  RingConsumer& operator=(RingConsumer&&) noexcept = default;

  // The next message, or nothing if none is published yet. Does not consume it.
  std::optional<RingMessage> peek();

  // Consumes the message the last peek() returned. REQUIRES: peek() returned a message since the
  // last commit() or advance().
  void commit();

  // Deferred commit, for a consumer that makes a batch durable before letting go of it: advance()
  // moves past the peeked message without publishing the cursor, so the producer keeps the
  // message; commitThrough() publishes it once the batch is safe. A crash in between delivers the
  // uncommitted messages again. REQUIRES (commitThrough): sequence < the read position.
  void advance();
  void commitThrough(std::uint64_t sequence);
  // Moves the read position back to the published cursor: what was advanced over but not committed
  // is delivered again (after a batch that could not be made durable).
  void rewindToCommitted();

  // Waits per policy until a message is available or timeout passes. True if one is.
  bool waitForMessage(std::chrono::nanoseconds timeout, const IdlePolicy& policy = {});

  // Blocks at once until a message is available, a producer's heads-up (RingProducer::headsUp)
  // or the timeout: a reader with work to do before the announced message (warming its caches)
  // does it on kHeadsUp and then spins with waitForMessage.
  // `also`: another ring whose messages end the wait too (kMessage), for a reader that sleeps on
  // one input but must not leave a rarer one waiting until the timeout (rrr-engine: rrr-risk's
  // events while no decision is awaited). On a kernel without futex_waitv only this ring wakes it.
  enum class Wake { kMessage, kHeadsUp, kTimeout };
  Wake waitForMessageOrHeadsUp(std::chrono::nanoseconds timeout, RingConsumer* also = nullptr);

  // Moves the cursor past `sequence` (forward only) for a consumer that has its own record of
  // what it already processed. False, and no move, if sequence was never published.
  bool skipThrough(std::uint64_t sequence);

  // The next sequence peek() returns (the read position; ahead of the published cursor by what
  // advance() has not yet committed).
  std::uint64_t cursor() const { return cursor_; }
  // Messages advanced over but not committed: slots the producer cannot reuse yet.
  std::uint64_t uncommitted() const;
  std::uint64_t lag() const;
  std::uint64_t gaps() const;
  ConsumerKind kind() const { return kind_; }
  const RingSegment& segment() const { return segment_; }

  // True if a message waits to be read (it may be a gap or fail verification later). Never blocks.
  bool available();

  // Maps the pages of the next slots into this process; waitForMessage() does it before it
  // blocks, a reader that polls this ring without waiting on it calls it while idle.
  void prefaultAhead() { prefault_.ahead(segment_, cursor_); }

 private:
  RingConsumer(RingSegment segment, os::ByteLock lock, std::uint32_t index, ConsumerKind kind);
  // Blocks once on the data signal (accepting `wake_classes`) unless a message is available: what
  // ended the wait. lazy: as a batching reader (IdlePolicy::batching). also: a second ring whose
  // messages (kMessage) and wake-ups of any class end the wait too.
  Wake blockOnce(std::chrono::nanoseconds timeout, std::uint32_t wake_classes, bool lazy = false, bool defer_chores = false,
                 RingConsumer* also = nullptr);
  std::optional<RingMessage> peekDurable();
  std::optional<RingMessage> peekLossy();
  void storeCursor(std::uint64_t cursor);

  RingSegment segment_;
  os::ByteLock lock_;                 // after segment_: released before the mapping closes
  std::uint32_t index_ = 0;
  ConsumerKind kind_ = ConsumerKind::kDurable;
  std::uint64_t cursor_ = 0;          // next sequence to deliver
  std::uint64_t known_published_ = 0; // last published value read, to spare the shared line
  std::uint64_t pending_skip_ = 0;    // lossy: gap to report with the next message
  bool peeked_ = false;
  std::uint64_t peeked_sequence_ = 0;
  std::vector<std::byte> copy_;       // lossy: the message copied out of the slot
  PrefaultWindow prefault_;           // pages ahead of cursor_, mapped before blocking
};

}  // namespace rrr::ring
