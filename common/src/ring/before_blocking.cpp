#include "common/ring/before_blocking.h"

#include <algorithm>
#include <mutex>
#include <vector>

#include "common/os/futex.h"
#include "ring/deferred_wakes.h"

namespace rrr::ring {
namespace {
thread_local std::function<void()> before_blocking;
// Process-wide, not per thread: a segment may be unmapped on another thread than the one that
// held its wake-up, and must not be left here. Uncontended in rrr (one publishing thread).
std::mutex deferred_mutex;
std::vector<detail::RingHeader*> deferred_wakes;
}  // namespace

void setBeforeBlocking(std::function<void()> hook) { before_blocking = std::move(hook); }

void runBeforeBlocking() {
  if (before_blocking) before_blocking();
  detail::wakeDeferred();
}

namespace detail {

void wakeSleepers(RingHeader& header) {
  header.data_signal.fetch_add(1, std::memory_order_seq_cst);
  os::futexWakeAll(header.data_signal);
}

void deferWake(RingHeader& header) {
  const std::lock_guard lock(deferred_mutex);
  if (std::find(deferred_wakes.begin(), deferred_wakes.end(), &header) == deferred_wakes.end()) deferred_wakes.push_back(&header);
}

void wakeDeferred() {
  const std::lock_guard lock(deferred_mutex);
  for (auto* header : deferred_wakes) wakeSleepers(*header);
  deferred_wakes.clear();
}

void wakeIfDeferred(RingHeader& header) {
  const std::lock_guard lock(deferred_mutex);
  const auto found = std::find(deferred_wakes.begin(), deferred_wakes.end(), &header);
  if (found == deferred_wakes.end()) return;
  deferred_wakes.erase(found);
  wakeSleepers(header);
}

}  // namespace detail
}  // namespace rrr::ring
