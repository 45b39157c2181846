#pragma once
// Pacing of a replay: as fast as the pipeline takes it, real time, or N times real time. Paced
// events are due at anchor + (event time - first event time) / speed on the steady clock; the
// anchor is the first event handed to dueAt() (after a restart, the first one not skipped).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace rrr::ingest {

struct Pacing {
  double speed = 0;   // 0: as fast as possible; 1: real time; N: N times real time
  bool paced() const { return speed > 0; }
};

// "fast", "realtime", or "<N>x" ("300x", "0.5x"); nullopt for anything else.
std::optional<Pacing> parsePacing(std::string_view text);

class Pacer {
 public:
  using Clock = std::chrono::steady_clock;
  explicit Pacer(Pacing pacing) : pacing_(pacing) {}

  // When the event is due (now, if not paced).
  Clock::time_point dueAt(std::int64_t event_time_ns);
  const Pacing& pacing() const { return pacing_; }

 private:
  Pacing pacing_;
  std::optional<std::int64_t> first_event_ns_;
  Clock::time_point anchor_;
};

}  // namespace rrr::ingest
