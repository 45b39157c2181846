#include "common/os/durable_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace rrr::os {
namespace {

Error<std::string> failure(const std::filesystem::path& path, const char* step, int error) {
  return makeError(path.string() + ": cannot " + step + ": " + std::strerror(error));
}

Status<std::string> syncOpened(const std::filesystem::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_RDONLY | O_CLOEXEC);
  if (fd < 0) return failure(path, "open", errno);
  const int synced = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (synced != 0) return failure(path, "flush to the disk", error);
  return {};
}

// Flushes a folder's entries (a rename or a removal in it) to the disk.
Status<std::string> syncFolder(const std::filesystem::path& folder) { return syncOpened(folder, O_DIRECTORY); }

Status<std::string> writeAndFlush(int fd, std::string_view text, const std::filesystem::path& path) {
  while (!text.empty()) {
    const ssize_t written = ::write(fd, text.data(), text.size());
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) return failure(path, "write", errno);
    text.remove_prefix(static_cast<std::size_t>(written));
  }
  if (::fsync(fd) != 0) return failure(path, "flush to the disk", errno);
  return {};
}

std::filesystem::path folderOf(const std::filesystem::path& path) {
  return path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
}

}  // namespace

Status<std::string> replaceFileDurably(const std::filesystem::path& path, std::string_view text) {
  const auto folder = folderOf(path);
  std::error_code folder_error;
  std::filesystem::create_directories(folder, folder_error);
  if (folder_error) return makeError(folder.string() + ": cannot create the folder: " + folder_error.message());
  const auto temporary = std::filesystem::path(path.string() + ".new");
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return failure(temporary, "create", errno);
  auto written = writeAndFlush(fd, text, temporary);
  if (::close(fd) != 0 && written.ok()) written = failure(temporary, "close", errno);   // NFS reports here
  if (!written.ok()) return written;
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const int error = errno;
    return failure(path, ("be replaced with " + temporary.filename().string()).c_str(), error);
  }
  return syncFolder(folder);
}

Status<std::string> flushFileToDisk(const std::filesystem::path& path) { return syncOpened(path, 0); }

Status<std::string> removeFileDurably(const std::filesystem::path& path) {
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return {};
    return failure(path, "remove", errno);
  }
  return syncFolder(folderOf(path));
}

}  // namespace rrr::os
