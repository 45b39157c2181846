#pragma once
// The measurements of rrr-bench-transport. Each case runs a producer (this process, CPU 0) and a
// consumer (a forked process, CPU 1) and sends the same FlatBuffers Bar envelope.

#include <cstdint>
#include <span>
#include <string>

#include "common/messages/envelope.h"
#include "common/ring/idle_policy.h"
#include "latency_summary.h"

namespace rrr::bench {

struct CaseParams {
  std::uint64_t messages = 20'000;        // latency samples per case
  std::int64_t interval_ns = 100'000;     // spacing between latency messages
  std::uint64_t throughput_messages = 1'000'000;
  int idle_seconds = 10;
  std::string scratch_dir = "/tmp";       // for ipc:// socket files
};

struct Throughput {
  double messages_per_second = 0;
  std::uint64_t received = 0;
};

// The bench payload: a Bar in an Envelope, publish time set to the steady clock.
std::span<const std::byte> benchMessage(messages::EnvelopeBuilder& builder, std::uint64_t sequence,
                                        std::string_view source = "bench");

LatencySummary ringLatency(const CaseParams& params, const ring::IdlePolicy& consumer_policy);
Throughput ringThroughput(const CaseParams& params);
// CPU share of one core used by a ring consumer with the default idle policy and nothing to read.
double ringIdleCpuShare(const CaseParams& params);

LatencySummary futexWakeLatency(const CaseParams& params);

LatencySummary zmqLatency(const CaseParams& params, bool consumer_spins);
Throughput zmqThroughput(const CaseParams& params);

}  // namespace rrr::bench
