#include "risk/switch_watch.h"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <utility>

namespace rrr::risk {
namespace {

// Writes (create, write, rename into place), removals, and the folder itself going away.
constexpr std::uint32_t kEvents = IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB | IN_MOVED_FROM | IN_MOVED_TO |
                                  IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;

}  // namespace

SwitchWatch::SwitchWatch(std::filesystem::path dir) : dir_(std::move(dir)), fd_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {
  addWatch();
}

SwitchWatch::~SwitchWatch() {
  if (fd_ >= 0) ::close(fd_);
}

SwitchWatch::SwitchWatch(SwitchWatch&& other) noexcept
    : dir_(std::move(other.dir_)),
      fd_(std::exchange(other.fd_, -1)),
      watch_(std::exchange(other.watch_, -1)),
      first_(other.first_) {}

bool SwitchWatch::addWatch() {
  if (fd_ < 0) return false;
  std::error_code error;
  std::filesystem::create_directories(dir_, error);
  watch_ = ::inotify_add_watch(fd_, dir_.c_str(), kEvents);
  return watch_ >= 0;
}

bool SwitchWatch::changed() {
  bool any = std::exchange(first_, false);
  if (fd_ < 0) return true;
  alignas(inotify_event) char buffer[4096];
  for (;;) {
    const ssize_t got = ::read(fd_, buffer, sizeof buffer);
    if (got <= 0) break;   // EAGAIN: nothing more
    any = true;
    for (ssize_t at = 0; at < got;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
      // The folder was removed or moved away: its watch is gone (IN_IGNORED) or useless.
      if ((event->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) != 0 && watch_ >= 0) {
        ::inotify_rm_watch(fd_, watch_);
        watch_ = -1;
      }
      at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
    }
  }
  if (watch_ < 0) {
    addWatch();
    return true;
  }
  return any;
}

SwitchWatch::Await SwitchWatch::awaitEvent(int stop_fd, std::chrono::milliseconds timeout) const {
  pollfd fds[2] = {{stop_fd, POLLIN, 0}, {fd_, POLLIN, 0}};
  const int ready = ::poll(fds, fd_ >= 0 ? 2 : 1, timeout.count() < 0 ? -1 : static_cast<int>(timeout.count()));
  if (ready <= 0) return Await::kTimeout;   // EINTR too: the caller looks again
  if ((fds[0].revents & POLLIN) != 0) return Await::kStopped;
  return (fds[1].revents & POLLIN) != 0 ? Await::kEvent : Await::kTimeout;
}

}  // namespace rrr::risk
