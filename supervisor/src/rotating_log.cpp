#include "rotating_log.h"

#include <utility>

namespace rrr::supervisor {

RotatingLog::RotatingLog(std::filesystem::path path, std::uint64_t max_bytes, int files)
    : path_(std::move(path)), max_bytes_(max_bytes), files_(files) {
  open();
}

RotatingLog::RotatingLog(RotatingLog&& other) noexcept
    : path_(std::move(other.path_)),
      max_bytes_(other.max_bytes_),
      files_(other.files_),
      file_(std::exchange(other.file_, nullptr)),
      size_(other.size_) {}

RotatingLog::~RotatingLog() {
  if (file_ != nullptr) std::fclose(file_);
}

void RotatingLog::open() {
  std::error_code ignored;
  std::filesystem::create_directories(path_.parent_path(), ignored);
  file_ = std::fopen(path_.c_str(), "ae");
  const auto size = std::filesystem::file_size(path_, ignored);
  size_ = ignored ? 0 : size;
}

void RotatingLog::rotate() {
  if (file_ != nullptr) std::fclose(file_);
  std::error_code ignored;
  const auto numbered = [&](int index) { return std::filesystem::path(path_.string() + "." + std::to_string(index)); };
  std::filesystem::remove(numbered(files_), ignored);
  for (int index = files_ - 1; index >= 1; --index) std::filesystem::rename(numbered(index), numbered(index + 1), ignored);
  std::filesystem::rename(path_, numbered(1), ignored);
  open();
}

void RotatingLog::write(std::string_view text) {
  if (file_ == nullptr) return;
  if (size_ + text.size() > max_bytes_ && size_ > 0) rotate();
  if (file_ == nullptr) return;
  std::fwrite(text.data(), 1, text.size(), file_);
  size_ += text.size();
}

void RotatingLog::flush() {
  if (file_ != nullptr) std::fflush(file_);
}

}  // namespace rrr::supervisor
