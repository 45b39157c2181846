#include "common/os/cpu_latency_request.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace rrr::os {

namespace {
constexpr const char* kRequestFile = "/dev/cpu_dma_latency";
// The kernel's default for the CPU latency QoS (PM_QOS_CPU_LATENCY_DEFAULT_VALUE): no constraint.
constexpr int kNoConstraintUs = 2'000'000'000;
}  // namespace

CpuLatencyRequest::CpuLatencyRequest() {
  fd_ = ::open(kRequestFile, O_WRONLY | O_CLOEXEC);
  if (fd_ < 0) {
    error_ = std::string(kRequestFile) + ": " + std::strerror(errno);
    return;
  }
  // Opening adds a request at the default value, which constrains nothing; written explicitly so
  // that a failing write shows now rather than at the first hold().
  if (!ask(kNoConstraintUs)) {
    ::close(fd_);
    fd_ = -1;
  }
}

CpuLatencyRequest::~CpuLatencyRequest() {
  if (fd_ >= 0) ::close(fd_);
}

void CpuLatencyRequest::hold() {
  if (fd_ >= 0 && !held_) held_ = ask(0);
}

void CpuLatencyRequest::release() {
  if (fd_ >= 0 && held_) held_ = !ask(kNoConstraintUs);
}

// The file takes a binary 32-bit value in microseconds.
bool CpuLatencyRequest::ask(int latency_us) {
  const std::int32_t value = latency_us;
  if (::write(fd_, &value, sizeof value) == static_cast<ssize_t>(sizeof value)) return true;
  error_ = std::string("writing ") + kRequestFile + ": " + std::strerror(errno);
  return false;
}

}  // namespace rrr::os
