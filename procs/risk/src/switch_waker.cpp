#include "risk/switch_waker.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "risk/switch_watch.h"

namespace rrr::risk {

SwitchWaker::SwitchWaker(std::filesystem::path dir, std::function<void()> wake)
    : wake_(std::move(wake)), stop_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (stop_fd_ < 0) {
    spdlog::warn("no eventfd ({}): a switch change is seen at rrr-risk's next heartbeat when it is idle", std::strerror(errno));
    return;
  }
  thread_ = std::thread([this, dir = std::move(dir)]() mutable { run(std::move(dir)); });
}

SwitchWaker::~SwitchWaker() {
  if (thread_.joinable()) {
    const std::uint64_t one = 1;
    (void)!::write(stop_fd_, &one, sizeof one);
    thread_.join();
  }
  if (stop_fd_ >= 0) ::close(stop_fd_);
}

void SwitchWaker::run(std::filesystem::path dir) {
  SwitchWatch watch(std::move(dir));
  if (!watch.watching()) {
    spdlog::warn("cannot watch {} with inotify: a switch change is seen at rrr-risk's next heartbeat when it is idle",
                 watch.dir().string());
    return;
  }
  (void)watch.changed();   // the first call says "changed" by contract; the main thread reads the start
  for (;;) {
    // While the folder cannot be watched (removed, say), changed() reads as a change at every
    // call, as it does for the main thread: looked at again once a second.
    const auto timeout = woken_.load(std::memory_order_acquire) ? kRetry
                         : watch.watching()                     ? std::chrono::milliseconds(-1)
                                                                : std::chrono::milliseconds(1000);
    const auto event = watch.awaitEvent(stop_fd_, timeout);
    if (event == SwitchWatch::Await::kStopped) return;
    if ((event == SwitchWatch::Await::kEvent || !watch.watching()) && watch.changed()) woken_.store(true, std::memory_order_release);
    if (woken_.load(std::memory_order_acquire)) wake_();
  }
}

}  // namespace rrr::risk
