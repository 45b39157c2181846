#pragma once
// RRR_ENFORCE(cond, message): an invariant that only a bug can break. On failure it logs the
// condition, the message and the source location, then aborts, so that the supervisor restarts a
// clean process instead of one running on corrupt state. Active in every build type.

namespace rrr::detail {
[[noreturn]] void enforceFailed(const char* condition, const char* message, const char* file,
                                int line);
}  // namespace rrr::detail

#define RRR_ENFORCE(cond, message)                                           \
  do {                                                                       \
    if (!(cond)) [[unlikely]] {                                              \
      ::rrr::detail::enforceFailed(#cond, (message), __FILE__, __LINE__);    \
    }                                                                        \
  } while (false)
