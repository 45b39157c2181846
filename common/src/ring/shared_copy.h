#pragma once
// Word-wise copies into and out of ring slots, the data half of the slot seqlock. A lossy reader
// may copy a slot while the producer overwrites it; the slot's stamp tells it afterwards that the
// copy is torn. Atomic words keep that race defined behaviour. Release stores and acquire loads
// (plain moves on x86) order the words against the stamp without fences: a reader that sees any
// word of a newer write also sees that write's "in progress" stamp when it re-reads the stamp.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace rrr::ring::detail {

// REQUIRES: dst is 8-byte aligned.
inline void copyToSlot(std::byte* dst, const std::byte* src, std::size_t bytes) {
  auto* words = reinterpret_cast<std::uint64_t*>(dst);
  std::size_t i = 0;
  for (; (i + 1) * 8 <= bytes; ++i) {
    std::uint64_t word;
    std::memcpy(&word, src + i * 8, 8);
    std::atomic_ref<std::uint64_t>(words[i]).store(word, std::memory_order_release);
  }
  if (i * 8 < bytes) {
    std::uint64_t word = 0;
    std::memcpy(&word, src + i * 8, bytes - i * 8);
    std::atomic_ref<std::uint64_t>(words[i]).store(word, std::memory_order_release);
  }
}

// REQUIRES: src is 8-byte aligned; dst has room for bytes rounded up to a multiple of 8.
inline void copyFromSlot(std::byte* dst, const std::byte* src, std::size_t bytes) {
  auto* words = reinterpret_cast<std::uint64_t*>(const_cast<std::byte*>(src));
  for (std::size_t i = 0; i * 8 < bytes; ++i) {
    const std::uint64_t word = std::atomic_ref<std::uint64_t>(words[i]).load(std::memory_order_acquire);
    std::memcpy(dst + i * 8, &word, 8);
  }
}

}  // namespace rrr::ring::detail
