#include "common/os/byte_lock.h"

#include <fcntl.h>

#include <cerrno>
#include <utility>

namespace rrr::os {
namespace {

struct flock byteRange(short type, long byte) {
  struct flock range {};
  range.l_type = type;
  range.l_whence = SEEK_SET;
  range.l_start = byte;
  range.l_len = 1;
  range.l_pid = 0;  // required by F_OFD_*
  return range;
}

}  // namespace

bool tryLockByte(int fd, long byte) {
  struct flock range = byteRange(F_WRLCK, byte);
  return fcntl(fd, F_OFD_SETLK, &range) == 0;
}

bool lockByte(int fd, long byte) {
  struct flock range = byteRange(F_WRLCK, byte);
  int rc = 0;
  do {
    rc = fcntl(fd, F_OFD_SETLKW, &range);
  } while (rc != 0 && errno == EINTR);
  return rc == 0;
}

void unlockByte(int fd, long byte) {
  struct flock range = byteRange(F_UNLCK, byte);
  fcntl(fd, F_OFD_SETLK, &range);
}

bool isByteLockedByOther(int fd, long byte) {
  struct flock range = byteRange(F_WRLCK, byte);
  if (fcntl(fd, F_OFD_GETLK, &range) != 0) return false;
  return range.l_type != F_UNLCK;
}

ByteLock ByteLock::tryAcquire(int fd, long byte) {
  return tryLockByte(fd, byte) ? ByteLock(fd, byte) : ByteLock();
}

ByteLock::ByteLock(ByteLock&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), byte_(other.byte_) {}

ByteLock& ByteLock::operator=(ByteLock&& other) noexcept {
  if (this != &other) {
    release();
    fd_ = std::exchange(other.fd_, -1);
    byte_ = other.byte_;
  }
  return *this;
}

ByteLock::~ByteLock() { release(); }

void ByteLock::release() {
  if (fd_ >= 0) unlockByte(fd_, byte_);
  fd_ = -1;
}

}  // namespace rrr::os
