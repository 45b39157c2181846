#pragma once
// Memory shared between the bench process and a forked child: the child writes its latency
// samples and counters here; the parent reads them after the child exits.

#include <sys/mman.h>

#include <atomic>
#include <cstdint>
#include <new>
#include <stdexcept>
#include <vector>

namespace rrr::bench {

struct SharedCounters {
  std::atomic<std::uint32_t> ready{0};     // the child is attached and waiting
  std::atomic<std::uint32_t> wake{0};      // futex word for the bare futex case
  std::atomic<std::int64_t> stamp_ns{0};   // send time for the bare futex case
  std::atomic<std::uint64_t> received{0};
  std::atomic<std::int64_t> first_ns{0};
  std::atomic<std::int64_t> last_ns{0};
  std::atomic<std::int64_t> cpu_ns{0};     // CPU time the child used (idle case)
};

class SharedResults {
 public:
  explicit SharedResults(std::size_t max_samples) : max_samples_(max_samples) {
    bytes_ = sizeof(SharedCounters) + max_samples * sizeof(std::int64_t);
    memory_ = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (memory_ == MAP_FAILED) throw std::runtime_error("mmap of bench results failed");
    new (memory_) SharedCounters();
  }
  ~SharedResults() { munmap(memory_, bytes_); }
  SharedResults(const SharedResults&) = delete;
  SharedResults& operator=(const SharedResults&) = delete;

  SharedCounters& counters() { return *static_cast<SharedCounters*>(memory_); }
  std::int64_t* samples() {
    return reinterpret_cast<std::int64_t*>(static_cast<char*>(memory_) + sizeof(SharedCounters));
  }
  std::vector<std::int64_t> collected() {
    const auto count = std::min<std::uint64_t>(counters().received.load(), max_samples_);
    return {samples(), samples() + count};
  }
  std::size_t capacity() const { return max_samples_; }

 private:
  std::size_t max_samples_;
  std::size_t bytes_;
  void* memory_;
};

}  // namespace rrr::bench
