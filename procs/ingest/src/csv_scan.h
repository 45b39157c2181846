#pragma once
// A CSV scanner over text in memory: one line at a time, its fields as views into the text. No
// copies and no allocation per line, which is what makes the readers fast. Fields are split on the
// delimiter only (quotes around a field are left for the field parsers to strip; a quoted field
// with the delimiter inside it is not supported: market data files have none). A line's '\r' is
// dropped; empty lines are skipped but counted.

#include <array>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

namespace rrr::ingest {

class CsvScanner {
 public:
  static constexpr std::size_t kMaxFields = 32;   // more are counted, not kept

  CsvScanner(std::string_view text, char delimiter) : rest_(text), delimiter_(delimiter) {}

  // Moves to the next non-empty line; false at the end of the text.
  bool next() {
    while (!rest_.empty()) {
      const auto* newline = static_cast<const char*>(std::memchr(rest_.data(), '\n', rest_.size()));
      const std::size_t length = newline != nullptr ? static_cast<std::size_t>(newline - rest_.data()) : rest_.size();
      line_ = rest_.substr(0, length);
      rest_.remove_prefix(newline != nullptr ? length + 1 : length);
      ++line_number_;
      if (!line_.empty() && line_.back() == '\r') line_.remove_suffix(1);
      if (line_.empty()) continue;
      split();
      return true;
    }
    return false;
  }

  std::uint64_t lineNumber() const { return line_number_; }
  std::string_view line() const { return line_; }
  std::size_t fieldCount() const { return field_count_; }
  std::span<const std::string_view> fields() const { return {fields_.data(), std::min(field_count_, kMaxFields)}; }
  std::string_view field(std::size_t index) const { return index < std::min(field_count_, kMaxFields) ? fields_[index] : std::string_view(); }

 private:
  void split() {
    field_count_ = 0;
    std::string_view rest = line_;
    while (true) {
      const auto* at = static_cast<const char*>(std::memchr(rest.data(), delimiter_, rest.size()));
      const std::size_t length = at != nullptr ? static_cast<std::size_t>(at - rest.data()) : rest.size();
      if (field_count_ < kMaxFields) fields_[field_count_] = rest.substr(0, length);
      ++field_count_;
      if (at == nullptr) break;
      rest.remove_prefix(length + 1);
    }
  }

  std::string_view rest_;
  std::string_view line_;
  char delimiter_;
  std::uint64_t line_number_ = 0;
  std::array<std::string_view, kMaxFields> fields_{};
  std::size_t field_count_ = 0;
};

}  // namespace rrr::ingest
