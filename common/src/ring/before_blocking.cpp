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
// held its wake-up, and must not be left here. Uncontended in rrr (one publishing thread). Never
// destroyed, so that a segment unmapped during static destruction still finds them.
struct DeferredWakes {
  std::mutex mutex;
  std::vector<detail::RingHeader*> headers;
};
DeferredWakes& deferred() {
  static auto* wakes = new DeferredWakes;
  return *wakes;
}
}  // namespace

void setBeforeBlocking(std::function<void()> hook) { before_blocking = std::move(hook); }

void runBeforeBlocking() {
  if (before_blocking) before_blocking();
  detail::wakeDeferred();
}

namespace detail {

void wakeSleepers(RingHeader& header, std::uint32_t classes) {
  header.data_signal.fetch_add(1, std::memory_order_seq_cst);
  os::futexWakeClass(header.data_signal, classes);
}

void deferWake(RingHeader& header) {
  auto& wakes = deferred();
  const std::lock_guard lock(wakes.mutex);
  if (std::find(wakes.headers.begin(), wakes.headers.end(), &header) == wakes.headers.end()) wakes.headers.push_back(&header);
}

void wakeDeferred() {
  auto& wakes = deferred();
  const std::lock_guard lock(wakes.mutex);
  // Only the batching readers: a reader that wants every message was woken at once if it slept,
  // and one that has read the message since would otherwise wake for nothing.
  for (auto* header : wakes.headers) wakeSleepers(*header, os::kWakeBatch);
  wakes.headers.clear();
}

void wakeIfDeferred(RingHeader& header) {
  auto& wakes = deferred();
  const std::lock_guard lock(wakes.mutex);
  const auto found = std::find(wakes.headers.begin(), wakes.headers.end(), &header);
  if (found == wakes.headers.end()) return;
  wakes.headers.erase(found);
  wakeSleepers(header, os::kWakeBatch);
}

}  // namespace detail
}  // namespace rrr::ring
