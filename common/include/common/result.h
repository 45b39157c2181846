#pragma once
// Result<T, E>: a value or an error, for failures that are expected (bad input, a missing file,
// a full ring). Bugs are not results: they are RRR_ENFORCE failures (common/enforce.h).

#include <string>
#include <type_traits>
#include <utility>
#include <variant>

#include "common/enforce.h"

namespace rrr {

// An error of kind E with a message that names what was wrong and where.
template <class E>
struct Error {
  E code;
  std::string message;
};

template <class E>
Error<E> makeError(E code, std::string message) {
  return Error<E>{code, std::move(message)};
}

// An error of no particular kind (Result<T, std::string>): the message says it all.
inline Error<std::string> makeError(std::string message) { return Error<std::string>{{}, std::move(message)}; }

template <class T, class E>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error<E> error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // REQUIRES: ok()
  T& value() & {
    RRR_ENFORCE(ok(), "value() of a failed Result");
    return std::get<0>(state_);
  }
  const T& value() const& {
    RRR_ENFORCE(ok(), "value() of a failed Result");
    return std::get<0>(state_);
  }
  T&& value() && {
    RRR_ENFORCE(ok(), "value() of a failed Result");
    return std::get<0>(std::move(state_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // REQUIRES: !ok()
  const Error<E>& error() const {
    RRR_ENFORCE(!ok(), "error() of a successful Result");
    return std::get<1>(state_);
  }

 private:
  std::variant<T, Error<E>> state_;
};

// Result of an operation that produces no value.
template <class E>
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error<E> error) : error_(std::move(error)), failed_(true) {}  // NOLINT: implicit by design

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  // REQUIRES: !ok()
  const Error<E>& error() const {
    RRR_ENFORCE(failed_, "error() of a successful Status");
    return error_;
  }

 private:
  Error<E> error_{};
  bool failed_ = false;
};

}  // namespace rrr

#define RRR_CONCAT_INNER(a, b) a##b
#define RRR_CONCAT(a, b) RRR_CONCAT_INNER(a, b)

// Evaluates expr (a Result); on failure returns its error from the enclosing function, otherwise
// assigns the value to lhs (which may be a declaration: RRR_ASSIGN_OR_RETURN(auto x, f())).
#define RRR_ASSIGN_OR_RETURN(lhs, expr)                                        \
  auto RRR_CONCAT(rrr_result_, __LINE__) = (expr);                             \
  if (!RRR_CONCAT(rrr_result_, __LINE__).ok()) {                               \
    return RRR_CONCAT(rrr_result_, __LINE__).error();                          \
  }                                                                            \
  lhs = std::move(RRR_CONCAT(rrr_result_, __LINE__)).value()

// Evaluates expr (a Status or Result); on failure returns its error from the enclosing function.
#define RRR_RETURN_IF_ERROR(expr)                                              \
  do {                                                                         \
    auto rrr_status = (expr);                                                  \
    if (!rrr_status.ok()) return rrr_status.error();                           \
  } while (false)
