#pragma once
// RingSegment: one mapping of a named shared-memory ring segment (/dev/shm/<name>).
//
// The supervisor creates each ring once per run with create(); producers and consumers open()
// it by name. The segment outlives any one process, so a restarted process finds its cursor.
// RingProducer and RingConsumer each own a RingSegment; use this class directly to create,
// inspect or remove rings.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>
#include <optional>

#include "common/ring/ring_types.h"

namespace rrr::ring {

namespace detail {
struct RingHeader;
struct SlotHeader;
}  // namespace detail

class RingSegment {
 public:
  // Creates and initialises a new segment. Fails with kAlreadyExists if the name is taken,
  // kInvalidConfig if slot_bytes is not a multiple of 64 (>= 64) or capacity not a power of two.
  static RingResult<RingSegment> create(const std::string& name, const RingConfig& config);

  // Opens an existing segment and checks its magic, layout version and sizes.
  static RingResult<RingSegment> open(const std::string& name);

  // Removes the name; mappings that are open stay valid until closed. True if it existed.
  static bool remove(const std::string& name);

  RingSegment(RingSegment&&) noexcept;
  RingSegment& operator=(RingSegment&&) noexcept;
  ~RingSegment();

  const std::string& name() const { return name_; }
  RingConfig config() const;
  std::uint64_t published() const;
  // Random id of this creation of the ring; differs after the segment is recreated.
  std::uint64_t instanceId() const;

  // The committed cursor of the consumer registered under name (the next sequence it will read),
  // or nothing if no such consumer is registered. Cheap: no locks, no allocation.
  std::optional<std::uint64_t> consumerCursor(std::string_view consumer_name) const;

  // True while a live process holds the producer's lock (one fcntl call).
  bool producerAlive() const;

  // A consistent-enough view for status and monitoring (each field read atomically).
  RingInfo info() const;

  // Forgets a consumer so that it no longer holds the producer back. Fails with kConsumerAlive
  // if a live process is attached under that name. True if the name was registered.
  RingResult<bool> removeConsumer(const std::string& consumer_name);

  // For RingProducer and RingConsumer.
  detail::RingHeader& header() const { return *header_; }
  detail::SlotHeader& slot(std::uint64_t sequence) const;
  std::byte* payload(std::uint64_t sequence) const;
  int fd() const;
  // A copy of the message published at sequence while its slot still holds it (nullopt once it
  // was overwritten, or while it is being written). For inspection and tests; readers of a
  // stream use RingConsumer.
  std::optional<std::vector<std::byte>> copyPublished(std::uint64_t sequence) const;

  // Maps the pages holding slots [first, first + count) (modulo capacity) into this process, as
  // a write would: a reader or writer that does this while idle takes no page faults on them
  // later, in the middle of a burst. Best effort: without MADV_POPULATE_WRITE (Linux < 5.14) it
  // does nothing.
  void prefault(std::uint64_t first, std::uint64_t count) const;

 private:
  struct Mapping;
  RingSegment(std::string name, std::unique_ptr<Mapping> mapping);

  std::string name_;
  std::unique_ptr<Mapping> mapping_;
  detail::RingHeader* header_ = nullptr;
  std::byte* slots_ = nullptr;
  std::uint64_t mask_ = 0;
  std::uint32_t slot_bytes_ = 0;
};

}  // namespace rrr::ring
