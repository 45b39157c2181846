// rrr-supervisor remove-rings: frees the shared memory of a stopped run. `stop` keeps the ring
// segments (a start resumes them), so a run folder that is deleted would otherwise leave them in
// RAM until the machine restarts.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "common/messages/envelope.h"
#include "common/ring/ring_segment.h"
#include "ring_setup.h"
#include "run_lock.h"
#include "supervisor/commands.h"
#include "supervisor/config.h"

namespace rrr::supervisor {
namespace {

struct Unread {
  std::string ring, consumer;
  std::uint64_t messages;
};

// Whether every message of the system ring from `from` on is a ProcessStatus: the records of the
// stop itself, published after rrr-store stopped, which no reader could have committed.
bool onlyStatusFrom(const ring::RingSegment& segment, std::uint64_t from) {
  for (auto sequence = from; sequence < segment.published(); ++sequence) {
    const auto bytes = segment.copyPublished(sequence);
    if (!bytes) return false;
    const auto decoded = messages::decode(*bytes);
    if (!decoded.ok() || decoded.value()->body_as_ProcessStatus() == nullptr) return false;
  }
  return true;
}

}  // namespace

int removeRingsCommand(const CommandOptions& options, bool discard) {
  auto config = loadConfig(options.config_path, options.self_dir);
  if (!config.ok()) {
    std::fprintf(stderr, "rrr-supervisor: %s\n", config.error().message.c_str());
    return 2;
  }
  const auto& run_dir = config->run_dir;
  // The run's lock is held while the rings are checked and removed, so that no supervisor starts
  // on them meanwhile. Without a run folder none can be running (a start makes it first).
  std::optional<RunLock> lock;
  if (std::filesystem::exists(run_dir)) {
    auto acquired = RunLock::acquire(run_dir);
    if (!acquired.ok()) {
      if (acquired.error().code == RunLockError::kAlreadyRunning) {
        std::fprintf(stderr, "rrr-supervisor: the system of %s is running (supervisor pid %d): stop it first\n", run_dir.c_str(),
                     RunLock::runningSupervisor(run_dir));
      } else {
        std::fprintf(stderr, "rrr-supervisor: %s\n", acquired.error().message.c_str());
      }
      return 1;
    }
    lock.emplace(std::move(acquired).value());
  }
  std::vector<Unread> unread;
  std::uint64_t bytes = 0, status_records = 0;
  const auto names = ringSegmentNames(run_dir);
  const auto status_ring = ringPrefixFor(run_dir) + kSystemRing;
  for (const auto& name : names) {
    auto segment = ring::RingSegment::open(name);
    if (!segment.ok()) continue;   // not a ring (or torn): nothing to keep in it
    const auto info = segment->info();
    bytes += static_cast<std::uint64_t>(info.config.capacity) * info.config.slot_bytes;
    const auto* alive = info.producer_alive ? "its producer" : nullptr;
    for (const auto& consumer : info.consumers) {
      if (consumer.alive) alive = "a consumer";
      if (consumer.kind != ring::ConsumerKind::kDurable || consumer.lag == 0) continue;
      if (name == status_ring && onlyStatusFrom(*segment, consumer.cursor)) {
        status_records = std::max(status_records, consumer.lag);
        continue;
      }
      unread.push_back({name, consumer.name, consumer.lag});
    }
    if (alive != nullptr) {
      std::fprintf(stderr, "rrr-supervisor: ring %s is in use (%s is alive): stop every rrr process of %s first\n", name.c_str(), alive,
                   run_dir.c_str());
      return 1;
    }
  }
  if (!unread.empty() && !discard) {
    for (const auto& each : unread) {
      std::fprintf(stderr, "rrr-supervisor: ring %s: %s has not committed %llu messages\n", each.ring.c_str(), each.consumer.c_str(),
                   static_cast<unsigned long long>(each.messages));
    }
    // A stop ends rrr-infer and rrr-engine before rrr-ingest, so a few bars are always left to them.
    std::fprintf(stderr,
                 "rrr-supervisor: nothing removed. Pass --discard to drop those messages: each reader then starts on new, "
                 "empty rings (the engine from its checkpoint)\n");
    return 1;
  }
  int removed = 0;
  for (const auto& name : names) removed += ring::RingSegment::remove(name) ? 1 : 0;
  std::printf("removed %d ring segments of %s (%.1f MiB)%s\n", removed, run_dir.c_str(), static_cast<double>(bytes) / (1 << 20),
              unread.empty() ? "" : ", discarding messages not yet committed");
  if (status_records > 0) {
    std::printf("not kept: the last %llu process status record(s) (of the stop, after rrr-store had stopped)\n",
                static_cast<unsigned long long>(status_records));
  }
  return 0;
}

}  // namespace rrr::supervisor
