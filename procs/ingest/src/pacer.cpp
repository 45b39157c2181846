#include "ingest/pacer.h"

#include <charconv>
#include <cmath>

namespace rrr::ingest {

std::optional<Pacing> parsePacing(std::string_view text) {
  if (text == "fast") return Pacing{0};
  if (text == "realtime") return Pacing{1};
  if (!text.ends_with('x')) return std::nullopt;
  text.remove_suffix(1);
  double speed = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), speed);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(speed) || speed <= 0) return std::nullopt;
  return Pacing{speed};
}

Pacer::Clock::time_point Pacer::dueAt(std::int64_t event_time_ns) {
  const auto now = Clock::now();
  if (!pacing_.paced()) return now;
  if (!first_event_ns_) {
    first_event_ns_ = event_time_ns;
    anchor_ = now;
  }
  const double wall_ns = static_cast<double>(event_time_ns - *first_event_ns_) / pacing_.speed;
  return anchor_ + std::chrono::nanoseconds(static_cast<std::int64_t>(wall_ns));
}

}  // namespace rrr::ingest
