#pragma once
// What the files of EngineAgent share: its timing constants and ring helpers.

#include <chrono>
#include <cstdint>
#include <vector>

#include "common/process/streams.h"

namespace rrr::engine::detail {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr int kMaxInputsPerCall = 64;
constexpr auto kInferWaitReported = 2s;
// Spin windows of the hot path (common/ring/idle_policy.h): long enough to cover a heads-up's lead
// and one stage's work, short enough to cost little between bursts.
constexpr auto kDecisionSpin = 300us;
constexpr auto kPredictionSpin = 300us;
constexpr auto kRehearsalPoll = 2ms;   // after a heads-up: covers rrr-ingest's lead and rrr-infer's work
constexpr auto kPollSlice = 20us;      // a burst's poll, between passes through doWork
// After an input of the hot path, the next is near: a bar's prediction follows it within ~15 us,
// the next symbol's bar and prediction within tens of microseconds.
constexpr auto kBurstPoll = 300us;
// A heads-up after this long without input is rrr-ingest's, ahead of a bar, and caches are cold:
// rehearse. One sooner is rrr-infer's or comes between unpaced inputs: a rehearsal would only
// delay the input.
constexpr auto kRehearseAfterIdle = 5ms;
constexpr auto kMarketSpin = 500us;   // after rrr-ingest's heads-up: the bar is due
// From rrr-ingest's heads-up, ~1 ms before a bar, until that bar's orders are decided.
constexpr auto kBurstQuiet = 5ms;
// A checkpoint does not start this close to a paced feed's next heads-up (bursts up to
// kSteadyBurstsWithin apart count as paced).
constexpr auto kCheckpointLead = 5ms;
constexpr auto kFeedCheckEvery = 10ms;   // how often an idle engine looks whether rrr-ingest has gone
constexpr auto kSteadyBurstsWithin = 10s;
constexpr auto kRoomCheckpointRetry = 100ms;   // after a checkpoint for room failed

// Replaces the entry `same` picks, or adds one: a handful of series, no allocation once each has
// been seen (symbols fit the string's small buffer).
template <class Event, class Same>
void rememberLast(std::vector<Event>& last, const Event& event, Same same) {
  for (auto& each : last) {
    if (same(each)) {
      each = event;
      return;
    }
  }
  last.push_back(event);
}

inline std::uint64_t instanceOf(const process::InputStream& input) { return input.consumer().segment().instanceId(); }
inline std::uint64_t instanceOf(const process::OutputStream& output) { return output.producer().segment().instanceId(); }

}  // namespace rrr::engine::detail
