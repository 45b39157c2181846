#pragma once
// A request of 0 us to the kernel's CPU latency QoS (/dev/cpu_dma_latency), held for as long as
// the object lives.
//
// Why: on these VMs an idle core halts, and a halted vCPU takes ~25-40 us to run a thread woken
// on it (the wake-up goes through the host); its caches are also colder when it comes back.
// While a request of 0 us is held the cpuidle governor keeps idle cores in the polling state, so a
// wake-up costs ~3 us, at the price of a core's worth of host CPU for every idle core, all the
// time (supervisor.idle_cores: poll; docs/LATENCY.md; docs/ARCHITECTURE.md, the hot path).
//
// The request is system-wide; the kernel drops it when the file is closed, also when the process
// dies. Opening the file needs root (or a udev rule): without it nothing is held and error() says
// why.

#include <string>

namespace rrr::os {

class CpuLatencyRequest {
 public:
  CpuLatencyRequest();
  ~CpuLatencyRequest();
  CpuLatencyRequest(const CpuLatencyRequest&) = delete;
  CpuLatencyRequest& operator=(const CpuLatencyRequest&) = delete;

  bool held() const { return fd_ >= 0; }
  // Why the request is not held (the file and the error), empty when it is.
  const std::string& error() const { return error_; }

 private:
  int fd_ = -1;
  std::string error_;
};

}  // namespace rrr::os
