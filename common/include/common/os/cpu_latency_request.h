#pragma once
// A request to the kernel's CPU latency QoS (/dev/cpu_dma_latency) that can be raised and dropped.
//
// Why: on these VMs an idle core halts, and a halted vCPU takes ~30-40 us to run a thread woken
// on it (the wake-up goes through the host); its caches are also colder when it comes back.
// While a request of 0 us is held the cpuidle governor keeps idle cores in the polling state, so a
// wake-up costs ~3 us, at the price of the idle cores' time. Held only while a bar is in flight,
// it costs nothing between bars (README, Benchmarks; docs/ARCHITECTURE.md, the hot path).
//
// The request is system-wide and lasts while the file is open with a low value; the kernel drops
// it when the process dies. Opening the file needs root (or a udev rule): without it, the request
// is unavailable and hold()/release() do nothing.
//
// Thread safety: one thread at a time.

#include <string>

namespace rrr::os {

class CpuLatencyRequest {
 public:
  // Opens the request file, asking for nothing yet.
  CpuLatencyRequest();
  ~CpuLatencyRequest();
  CpuLatencyRequest(const CpuLatencyRequest&) = delete;
  CpuLatencyRequest& operator=(const CpuLatencyRequest&) = delete;

  bool available() const { return fd_ >= 0; }
  // Why not available (the file and the error), empty when it is.
  const std::string& error() const { return error_; }

  // Asks for a wake-up latency of 0 us: idle cores poll.
  void hold();
  // Asks for nothing: idle cores may halt again.
  void release();
  bool held() const { return held_; }

 private:
  bool ask(int latency_us);

  int fd_ = -1;
  bool held_ = false;
  std::string error_;
};

}  // namespace rrr::os
