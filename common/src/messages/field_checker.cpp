#include "messages/field_checker.h"

namespace rrr::messages::detail {

void FieldChecker::fail(std::string_view field, const std::string& what) {
  if (!failure_.empty()) return;
  failure_ = table_ + "." + std::string(field) + " " + what;
}

FieldChecker& FieldChecker::text(std::string_view field, const flatbuffers::String* value, std::size_t min,
                                 std::size_t max) {
  const std::size_t length = value == nullptr ? 0 : value->size();
  if (length < min || length > max) {
    fail(field, "has length " + std::to_string(length) + ", allowed " + std::to_string(min) + ".." +
                    std::to_string(max));
  }
  return *this;
}

FieldChecker& FieldChecker::positive(std::string_view field, std::int64_t value) {
  if (value <= 0) fail(field, "= " + std::to_string(value) + " must be positive");
  return *this;
}

FieldChecker& FieldChecker::nonNegative(std::string_view field, std::int64_t value) {
  if (value < 0) fail(field, "= " + std::to_string(value) + " must not be negative");
  return *this;
}

FieldChecker& FieldChecker::finite(std::string_view field, double value) {
  if (!std::isfinite(value)) fail(field, "= " + std::to_string(value) + " must be finite");
  return *this;
}

FieldChecker& FieldChecker::unitInterval(std::string_view field, double value) {
  if (!(value >= 0.0 && value <= 1.0)) fail(field, "= " + std::to_string(value) + " must be in [0, 1]");
  return *this;
}

FieldChecker& FieldChecker::notAbove(std::string_view field, std::int64_t value, std::string_view limit_field,
                                     std::int64_t limit) {
  if (value > limit) {
    fail(field, "= " + std::to_string(value) + " is above " + std::string(limit_field) + " = " +
                    std::to_string(limit));
  }
  return *this;
}

FieldChecker& FieldChecker::require(bool cond, std::string_view what) {
  if (!cond && failure_.empty()) failure_ = table_ + ": " + std::string(what);
  return *this;
}

FieldChecker& FieldChecker::nested(const CheckStatus& status) {
  if (!status.ok() && failure_.empty()) failure_ = table_ + " > " + status.error().message;
  return *this;
}

CheckStatus FieldChecker::status() const {
  if (failure_.empty()) return {};
  return makeError(DecodeError::kOutOfRange, failure_);
}

}  // namespace rrr::messages::detail
