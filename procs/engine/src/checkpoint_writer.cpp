#include "engine/checkpoint_writer.h"

#include <utility>

namespace rrr::engine {

CheckpointWriter::CheckpointWriter(std::filesystem::path path) : path_(std::move(path)), thread_([this] { run(); }) {}

CheckpointWriter::~CheckpointWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void CheckpointWriter::start(EngineCheckpoint checkpoint) {
  {
    std::lock_guard lock(mutex_);
    job_ = std::move(checkpoint);
    outcome_.reset();
  }
  busy_ = true;
  changed_.notify_all();
}

std::optional<Status<std::string>> CheckpointWriter::finished() {
  if (!busy_) return std::nullopt;
  std::lock_guard lock(mutex_);
  if (!outcome_) return std::nullopt;
  busy_ = false;
  return std::exchange(outcome_, std::nullopt);
}

std::optional<Status<std::string>> CheckpointWriter::wait() {
  if (!busy_) return std::nullopt;
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return outcome_.has_value(); });
  busy_ = false;
  return std::exchange(outcome_, std::nullopt);
}

void CheckpointWriter::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    // A job is written before a stop is honoured: the destructor waits for the last checkpoint.
    changed_.wait(lock, [this] { return job_.has_value() || stopping_; });
    if (!job_) return;
    const auto checkpoint = std::exchange(job_, std::nullopt);
    lock.unlock();
    auto written = writeCheckpoint(path_, *checkpoint);
    lock.lock();
    outcome_ = std::move(written);
    changed_.notify_all();
  }
}

}  // namespace rrr::engine
