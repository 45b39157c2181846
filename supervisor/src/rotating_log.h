#pragma once
// An append-only log file rotated by size: NAME.log, NAME.log.1 (newest) ... NAME.log.N.

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string_view>

namespace rrr::supervisor {

class RotatingLog {
 public:
  RotatingLog(std::filesystem::path path, std::uint64_t max_bytes, int files);
  RotatingLog(RotatingLog&& other) noexcept;
  RotatingLog& operator=(RotatingLog&&) = delete;
  ~RotatingLog();

  void write(std::string_view text);
  void flush();
  const std::filesystem::path& path() const { return path_; }

 private:
  void open();
  void rotate();

  std::filesystem::path path_;
  std::uint64_t max_bytes_;
  int files_;
  std::FILE* file_ = nullptr;
  std::uint64_t size_ = 0;
};

}  // namespace rrr::supervisor
