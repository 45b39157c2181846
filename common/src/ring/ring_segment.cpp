#include "common/ring/ring_segment.h"

#include <sys/mman.h>
#include <unistd.h>

#include <boost/interprocess/mapped_region.hpp>
#include <boost/interprocess/shared_memory_object.hpp>

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <random>
#include <cstring>
#include <new>

#include "common/os/byte_lock.h"
#include "ring/deferred_wakes.h"
#include "ring/ring_layout.h"
#include "ring/shared_copy.h"

namespace rrr::ring {

namespace bip = boost::interprocess;
using detail::RingHeader;

struct RingSegment::Mapping {
  bip::shared_memory_object shm;
  bip::mapped_region region;

  // A wake-up held for this mapping's readers is given before the mapping goes.
  ~Mapping() {
    if (auto* address = region.get_address()) detail::wakeIfDeferred(*static_cast<RingHeader*>(address));
  }
};

namespace {

bool validName(const std::string& name) {
  if (name.empty() || name.size() > 200) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

RingStatus checkConfig(const RingConfig& config) {
  if (config.slot_bytes < 64 || config.slot_bytes % 64 != 0) {
    return makeError(RingError::kInvalidConfig,
                     "slot_bytes " + std::to_string(config.slot_bytes) +
                         " must be a multiple of 64 and at least 64");
  }
  if (config.capacity < 2 || !std::has_single_bit(config.capacity) || config.capacity > (1ull << 30)) {
    return makeError(RingError::kInvalidConfig,
                     "capacity " + std::to_string(config.capacity) +
                         " must be a power of two between 2 and 2^30");
  }
  return {};
}

std::uint64_t segmentBytes(const RingConfig& config) {
  return sizeof(RingHeader) + config.capacity * config.slot_bytes;
}

// Reads the creator's header and names the first field that does not match this build.
RingStatus checkLayout(const RingHeader& header, std::uint64_t mapped_bytes, const std::string& name) {
  if (header.magic.load(std::memory_order_acquire) != detail::kMagic) {
    return makeError(RingError::kNotInitialized,
                     "ring '" + name + "' has no valid header yet (not a ring, or still being created)");
  }
  auto mismatch = [&](const char* field, std::uint64_t found, std::uint64_t expected) {
    return makeError(RingError::kLayoutMismatch,
                     "ring '" + name + "' has " + field + " " + std::to_string(found) +
                         ", this build expects " + std::to_string(expected) +
                         "; remove the segment (or restart the supervisor) to recreate it");
  };
  if (header.layout_version != detail::kLayoutVersion) {
    return mismatch("layout version", header.layout_version, detail::kLayoutVersion);
  }
  if (header.header_bytes != sizeof(RingHeader)) {
    return mismatch("header size", header.header_bytes, sizeof(RingHeader));
  }
  if (header.max_consumers != kMaxConsumers) {
    return mismatch("max consumers", header.max_consumers, kMaxConsumers);
  }
  const RingConfig config{header.slot_bytes, header.capacity};
  if (!checkConfig(config).ok() || header.segment_bytes != segmentBytes(config) ||
      header.segment_bytes > mapped_bytes) {
    return mismatch("segment size", mapped_bytes, segmentBytes(config));
  }
  return {};
}

void initialiseHeader(void* memory, const RingConfig& config) {
  auto* header = new (memory) RingHeader{};
  header->layout_version = detail::kLayoutVersion;
  header->header_bytes = sizeof(RingHeader);
  header->slot_bytes = config.slot_bytes;
  header->max_consumers = kMaxConsumers;
  header->capacity = config.capacity;
  header->segment_bytes = segmentBytes(config);
  std::random_device entropy;
  header->instance_id = (std::uint64_t{entropy()} << 32) ^ entropy() ^
                        static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
  header->magic.store(detail::kMagic, std::memory_order_release);
}

}  // namespace

RingResult<RingSegment> RingSegment::create(const std::string& name, const RingConfig& config) {
  if (!validName(name)) {
    return makeError(RingError::kInvalidName, "ring name '" + name + "' must be 1-200 of [A-Za-z0-9._-]");
  }
  if (auto status = checkConfig(config); !status.ok()) return status.error();
  try {
    bip::permissions owner_only(0600);
    auto mapping = std::make_unique<Mapping>();
    mapping->shm = bip::shared_memory_object(bip::create_only, name.c_str(), bip::read_write, owner_only);
    mapping->shm.truncate(static_cast<bip::offset_t>(segmentBytes(config)));
    mapping->region = bip::mapped_region(mapping->shm, bip::read_write);
    // truncate() gives zero-filled pages, so every slot starts with stamp 0 (never written).
    initialiseHeader(mapping->region.get_address(), config);
    return RingSegment(name, std::move(mapping));
  } catch (const bip::interprocess_exception& e) {
    const auto code = e.get_error_code() == bip::already_exists_error ? RingError::kAlreadyExists
                                                                       : RingError::kSystem;
    return makeError(code, "cannot create ring '" + name + "': " + e.what());
  }
}

RingResult<RingSegment> RingSegment::open(const std::string& name) {
  if (!validName(name)) {
    return makeError(RingError::kInvalidName, "ring name '" + name + "' must be 1-200 of [A-Za-z0-9._-]");
  }
  try {
    auto mapping = std::make_unique<Mapping>();
    mapping->shm = bip::shared_memory_object(bip::open_only, name.c_str(), bip::read_write);
    bip::offset_t size = 0;
    if (!mapping->shm.get_size(size) || static_cast<std::size_t>(size) < sizeof(RingHeader)) {
      return makeError(RingError::kLayoutMismatch,
                       "ring '" + name + "' is " + std::to_string(size) + " bytes, smaller than a ring header (" +
                           std::to_string(sizeof(RingHeader)) + ")");
    }
    mapping->region = bip::mapped_region(mapping->shm, bip::read_write);
    const auto& header = *static_cast<const RingHeader*>(mapping->region.get_address());
    if (auto status = checkLayout(header, static_cast<std::uint64_t>(size), name); !status.ok()) {
      return status.error();
    }
    return RingSegment(name, std::move(mapping));
  } catch (const bip::interprocess_exception& e) {
    const auto code = e.get_error_code() == bip::not_found_error ? RingError::kNotFound : RingError::kSystem;
    return makeError(code, "cannot open ring '" + name + "': " + e.what());
  }
}

bool RingSegment::remove(const std::string& name) {
  return bip::shared_memory_object::remove(name.c_str());
}

RingSegment::RingSegment(std::string name, std::unique_ptr<Mapping> mapping)
    : name_(std::move(name)), mapping_(std::move(mapping)) {
  header_ = static_cast<RingHeader*>(mapping_->region.get_address());
  slots_ = static_cast<std::byte*>(mapping_->region.get_address()) + sizeof(RingHeader);
  mask_ = header_->capacity - 1;
  slot_bytes_ = header_->slot_bytes;
}

RingSegment::RingSegment(RingSegment&&) noexcept = default;
RingSegment& RingSegment::operator=(RingSegment&&) noexcept = default;
RingSegment::~RingSegment() = default;

RingConfig RingSegment::config() const { return RingConfig{header_->slot_bytes, header_->capacity}; }

std::uint64_t RingSegment::instanceId() const { return header_->instance_id; }

std::uint64_t RingSegment::published() const {
  return header_->published.load(std::memory_order_acquire);
}

detail::SlotHeader& RingSegment::slot(std::uint64_t sequence) const {
  return *reinterpret_cast<detail::SlotHeader*>(slots_ + (sequence & mask_) * slot_bytes_);
}

std::byte* RingSegment::payload(std::uint64_t sequence) const {
  return slots_ + (sequence & mask_) * slot_bytes_ + kSlotHeaderBytes;
}

std::optional<std::vector<std::byte>> RingSegment::copyPublished(std::uint64_t sequence) const {
  // The consumer's seqlock read: copy with acquire loads, then confirm the stamp did not move.
  auto& slot_header = slot(sequence);
  const auto stamp = std::atomic_ref<std::uint64_t>(slot_header.stamp).load(std::memory_order_acquire);
  if (stamp != 2 * sequence + 2) return std::nullopt;
  const std::size_t length = std::min<std::uint64_t>(slot_header.length, slot_bytes_ - kSlotHeaderBytes);
  std::vector<std::byte> copy((length + 7) / 8 * 8);
  detail::copyFromSlot(copy.data(), payload(sequence), length);
  if (std::atomic_ref<std::uint64_t>(slot_header.stamp).load(std::memory_order_relaxed) != stamp) return std::nullopt;
  copy.resize(length);
  return copy;
}

int RingSegment::fd() const { return mapping_->shm.get_mapping_handle().handle; }

std::optional<std::uint64_t> RingSegment::consumerCursor(std::string_view consumer_name) const {
  for (std::uint32_t i = 0; i < kMaxConsumers; ++i) {
    const auto& slot = header_->consumers[i];
    if (static_cast<ConsumerKind>(slot.kind.load(std::memory_order_acquire)) == ConsumerKind::kFree) continue;
    if (std::string_view(slot.name, strnlen(slot.name, sizeof(slot.name))) == consumer_name) {
      return slot.cursor.load(std::memory_order_acquire);
    }
  }
  return std::nullopt;
}

bool RingSegment::producerAlive() const { return os::isByteLockedByOther(fd(), detail::kProducerLockByte); }

RingInfo RingSegment::info() const {
  RingInfo info;
  info.name = name_;
  info.config = config();
  info.published = published();
  info.producer_alive = producerAlive();
  info.producer_pid = header_->producer_pid.load(std::memory_order_relaxed);
  for (std::uint32_t i = 0; i < kMaxConsumers; ++i) {
    const auto& slot = header_->consumers[i];
    const auto kind = static_cast<ConsumerKind>(slot.kind.load(std::memory_order_acquire));
    if (kind == ConsumerKind::kFree) continue;
    ConsumerInfo consumer;
    consumer.name = std::string(slot.name, strnlen(slot.name, sizeof(slot.name)));
    consumer.kind = kind;
    consumer.cursor = slot.cursor.load(std::memory_order_acquire);
    consumer.lag = info.published > consumer.cursor ? info.published - consumer.cursor : 0;
    consumer.gaps = slot.gaps.load(std::memory_order_relaxed);
    consumer.alive = os::isByteLockedByOther(fd(), detail::consumerLockByte(i));
    consumer.pid = slot.pid.load(std::memory_order_relaxed);
    info.consumers.push_back(std::move(consumer));
  }
  return info;
}

RingResult<bool> RingSegment::removeConsumer(const std::string& consumer_name) {
  if (!os::lockByte(fd(), detail::kRegistryLockByte)) {
    return makeError(RingError::kSystem, "cannot take the registry lock of ring '" + name_ + "'");
  }
  bool removed = false;
  RingStatus status;
  for (std::uint32_t i = 0; i < kMaxConsumers && !removed; ++i) {
    auto& slot = header_->consumers[i];
    if (slot.kind.load() == static_cast<std::uint32_t>(ConsumerKind::kFree)) continue;
    if (consumer_name != std::string(slot.name, strnlen(slot.name, sizeof(slot.name)))) continue;
    if (os::isByteLockedByOther(fd(), detail::consumerLockByte(i))) {
      status = makeError(RingError::kConsumerAlive,
                         "consumer '" + consumer_name + "' of ring '" + name_ + "' is attached by a live process");
      break;
    }
    slot.kind.store(static_cast<std::uint32_t>(ConsumerKind::kFree));
    header_->sleeping_consumers.fetch_and(~detail::sleeperBits(i));
    header_->consumer_generation.fetch_add(1);
    removed = true;
  }
  os::unlockByte(fd(), detail::kRegistryLockByte);
  if (!status.ok()) return status.error();
  return removed;
}

const char* toString(RingError error) {
  switch (error) {
    case RingError::kInvalidConfig: return "invalid config";
    case RingError::kNotFound: return "not found";
    case RingError::kAlreadyExists: return "already exists";
    case RingError::kLayoutMismatch: return "layout mismatch";
    case RingError::kNotInitialized: return "not initialized";
    case RingError::kProducerAlive: return "producer alive";
    case RingError::kConsumerAlive: return "consumer alive";
    case RingError::kNoConsumerSlot: return "no consumer slot";
    case RingError::kInvalidName: return "invalid name";
    case RingError::kSystem: return "system error";
  }
  return "unknown";
}

const char* toString(PublishStatus status) {
  switch (status) {
    case PublishStatus::kOk: return "ok";
    case PublishStatus::kBackPressured: return "back-pressured";
    case PublishStatus::kMessageTooLarge: return "message too large";
    case PublishStatus::kTimedOut: return "timed out";
  }
  return "unknown";
}

const char* toString(ConsumerKind kind) {
  switch (kind) {
    case ConsumerKind::kFree: return "free";
    case ConsumerKind::kDurable: return "durable";
    case ConsumerKind::kLossy: return "lossy";
  }
  return "unknown";
}

void RingSegment::prefault(std::uint64_t first, std::uint64_t count) const {
#ifdef MADV_POPULATE_WRITE
  static const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  count = std::min<std::uint64_t>(count, mask_ + 1);
  const auto populate = [&](std::uint64_t from_slot, std::uint64_t slots) {
    const auto begin = reinterpret_cast<std::uintptr_t>(slots_ + from_slot * slot_bytes_) & ~(page - 1);
    const auto end = reinterpret_cast<std::uintptr_t>(slots_ + (from_slot + slots) * slot_bytes_);
    ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE);   // failure only costs the faults later
  };
  const std::uint64_t start = first & mask_;
  const std::uint64_t before_wrap = std::min(count, mask_ + 1 - start);
  populate(start, before_wrap);
  if (count > before_wrap) populate(0, count - before_wrap);
#else
  (void)first;
  (void)count;
#endif
}

}  // namespace rrr::ring
