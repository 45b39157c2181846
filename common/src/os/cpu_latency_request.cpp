#include "common/os/cpu_latency_request.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace rrr::os {

namespace {
constexpr const char* kRequestFile = "/dev/cpu_dma_latency";
}  // namespace

CpuLatencyRequest::CpuLatencyRequest() {
  const int fd = ::open(kRequestFile, O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    error_ = std::string(kRequestFile) + ": " + std::strerror(errno);
    return;
  }
  const std::int32_t latency_us = 0;   // the file takes a binary 32-bit value
  if (::write(fd, &latency_us, sizeof latency_us) != static_cast<ssize_t>(sizeof latency_us)) {
    error_ = std::string("writing ") + kRequestFile + ": " + std::strerror(errno);
    ::close(fd);
    return;
  }
  fd_ = fd;
}

CpuLatencyRequest::~CpuLatencyRequest() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace rrr::os
