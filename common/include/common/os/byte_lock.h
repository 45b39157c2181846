#pragma once
// Open-file-description byte locks (fcntl F_OFD_*) on one byte of a file. Held per open file
// description and released by the kernel when the last descriptor to it closes, including when
// the holding process is SIGKILLed: liveness that no crash can leave stale.

namespace rrr::os {

// Takes the write lock on one byte without waiting. False if another description holds it.
bool tryLockByte(int fd, long byte);

// Takes the write lock on one byte, waiting for it. False only on an OS error.
bool lockByte(int fd, long byte);

void unlockByte(int fd, long byte);

// True if a description other than fd's holds a lock on that byte.
bool isByteLockedByOther(int fd, long byte);

// A held byte lock, released on destruction. Does not own fd: the holder keeps fd open longer.
class ByteLock {
 public:
  ByteLock() = default;
  // Takes the lock without waiting; the result is held() == false if it is taken elsewhere.
  static ByteLock tryAcquire(int fd, long byte);

  ByteLock(ByteLock&& other) noexcept;
  ByteLock& operator=(ByteLock&& other) noexcept;
  ByteLock(const ByteLock&) = delete;
  ByteLock& operator=(const ByteLock&) = delete;
  ~ByteLock();

  bool held() const { return fd_ >= 0; }

 private:
  ByteLock(int fd, long byte) : fd_(fd), byte_(byte) {}
  void release();

  int fd_ = -1;
  long byte_ = 0;
};

}  // namespace rrr::os
