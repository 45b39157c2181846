#pragma once
// Whether anything in the switch folder (data/risk, risk_switches.h) may have changed since the
// last look, from inotify events on it. rrr-risk looks before every decision and re-reads the
// files only when this says so. Every change is seen however close together changes come: the
// folder's modification time, used before, moves only once per clock tick on kernels with coarse
// file times (Debian 12's: 4 ms), so a kill switch turned on within the tick of a change rrr-risk
// had already read went unseen.

#include <chrono>
#include <filesystem>

namespace rrr::risk {

class SwitchWatch {
 public:
  // Makes the folder if it is missing, so that it can be watched from the start.
  explicit SwitchWatch(std::filesystem::path dir);
  ~SwitchWatch();
  SwitchWatch(SwitchWatch&& other) noexcept;
  SwitchWatch& operator=(SwitchWatch&&) = delete;
  SwitchWatch(const SwitchWatch&) = delete;
  SwitchWatch& operator=(const SwitchWatch&) = delete;

  // True at the first call, after any event in the folder, after the folder was removed or moved
  // (it is made again and watched anew), and at every call while it cannot be watched: the caller
  // then reads the files each time. One non-blocking read while nothing changed.
  bool changed();

  // Blocks until the folder has an event to read (read by changed()), stop_fd is readable, or the
  // timeout passes (negative: none). For a thread that wakes another on a change (SwitchWaker).
  enum class Await { kEvent, kStopped, kTimeout };
  Await awaitEvent(int stop_fd, std::chrono::milliseconds timeout) const;
  // Whether events come: false without inotify, and while the folder's watch is gone.
  bool watching() const { return fd_ >= 0 && watch_ >= 0; }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  bool addWatch();

  std::filesystem::path dir_;
  int fd_ = -1;
  int watch_ = -1;
  bool first_ = true;
};

}  // namespace rrr::risk
