#pragma once
// Writes rrr-engine's checkpoints (engine_checkpoint.h) on a thread of its own, one at a time, so
// that the main thread never waits for the disk: a checkpoint's two flushes took 1-2 ms here, and
// tens of milliseconds while other processes wrote, and a checkpoint may start just before a bar
// (with 1m bars nothing tells when the next comes). The main thread hands over a copy of the state
// and goes on; it commits the inputs that checkpoint covers only once finished() says it is on disk.

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/result.h"
#include "engine/engine_checkpoint.h"

namespace rrr::engine {

class CheckpointWriter {
 public:
  explicit CheckpointWriter(std::filesystem::path path);
  // Waits for a write under way: a checkpoint started is finished.
  ~CheckpointWriter();
  CheckpointWriter(const CheckpointWriter&) = delete;
  CheckpointWriter& operator=(const CheckpointWriter&) = delete;

  // A write was started and its outcome has not been taken yet.
  bool busy() const { return busy_; }
  // REQUIRES: !busy().
  void start(EngineCheckpoint checkpoint);
  // The outcome of the write started last, once it is over; nothing while it runs or if none is.
  std::optional<Status<std::string>> finished();
  // Blocks until the write started last is over and gives its outcome; nothing if none is busy.
  std::optional<Status<std::string>> wait();

 private:
  void run();

  const std::filesystem::path path_;
  bool busy_ = false;   // main thread only
  std::mutex mutex_;
  std::condition_variable changed_;
  std::optional<EngineCheckpoint> job_;
  std::optional<Status<std::string>> outcome_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace rrr::engine
