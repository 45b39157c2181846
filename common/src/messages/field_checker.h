#pragma once
// FieldChecker: range checks over one table, keeping the first failure with the field's name
// ("Bar.high_e8 = 5 is below Bar.low_e8 = 9").

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include <flatbuffers/flatbuffers.h>

#include "common/messages/envelope.h"

namespace rrr::messages::detail {

using CheckStatus = Status<DecodeError>;

class FieldChecker {
 public:
  explicit FieldChecker(std::string_view table) : table_(table) {}

  // A string of min..max bytes; null counts as empty.
  FieldChecker& text(std::string_view field, const flatbuffers::String* value, std::size_t min,
                     std::size_t max);
  FieldChecker& symbol(std::string_view field, const flatbuffers::String* value) {
    return text(field, value, 1, kMaxSymbolLength);
  }
  FieldChecker& id(std::string_view field, const flatbuffers::String* value) {
    return text(field, value, 1, kMaxIdLength);
  }
  FieldChecker& optionalText(std::string_view field, const flatbuffers::String* value) {
    return text(field, value, 0, kMaxTextLength);
  }

  // Enums generated with --scoped-enums carry MIN and MAX; ours are contiguous.
  template <class Enum>
  FieldChecker& enumeration(std::string_view field, Enum value) {
    if (value < Enum::MIN || value > Enum::MAX) {
      fail(field, "= " + std::to_string(static_cast<long long>(value)) + " is not a known value");
    }
    return *this;
  }

  FieldChecker& positive(std::string_view field, std::int64_t value);
  FieldChecker& nonNegative(std::string_view field, std::int64_t value);
  FieldChecker& finite(std::string_view field, double value);
  FieldChecker& unitInterval(std::string_view field, double value);
  // value <= limit, both named.
  FieldChecker& notAbove(std::string_view field, std::int64_t value, std::string_view limit_field,
                         std::int64_t limit);
  // A rule between fields; `what` says what is wrong when cond is false.
  FieldChecker& require(bool cond, std::string_view what);
  // Merges the result of checking a nested table.
  FieldChecker& nested(const CheckStatus& status);

  CheckStatus status() const;

 private:
  void fail(std::string_view field, const std::string& what);
  std::string table_;
  std::string failure_;
};

}  // namespace rrr::messages::detail
