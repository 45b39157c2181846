// rrr-bench-transport: hop latency and throughput between two processes over the shared-memory
// ring and over ZeroMQ ipc:// PUB/SUB, with the same FlatBuffers payload, in one run; plus a bare
// futex wake-up as the floor for a blocked reader, and the CPU of an idle blocked consumer.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "transport_cases.h"

namespace {

using rrr::bench::LatencySummary;

void printLatency(const char* name, const LatencySummary& s) {
  std::printf("%-34s %9.2f %9.2f %9.2f %9.2f %8zu\n", name, s.p50_us, s.p99_us, s.p999_us, s.max_us, s.samples);
}

const char* verdict(bool met) { return met ? "met" : "MISSED"; }

// The round with the median p50.
LatencySummary medianRound(std::vector<LatencySummary> rounds) {
  std::sort(rounds.begin(), rounds.end(), [](const auto& a, const auto& b) { return a.p50_us < b.p50_us; });
  return rounds[rounds.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Ring vs ZeroMQ transport benchmark (two processes, same payload, same run)"};
  rrr::bench::CaseParams params;
  bool quick = false;
  int rounds = 3;
  app.add_option("--messages", params.messages, "latency samples per case");
  app.add_option("--interval-us", params.interval_ns, "spacing between latency messages (us)")->transform(
      [](std::string value) { return std::to_string(std::stoll(value) * 1000); });
  app.add_option("--throughput-messages", params.throughput_messages, "messages per throughput case");
  app.add_option("--idle-seconds", params.idle_seconds, "how long the idle consumer is measured");
  app.add_option("--rounds", rounds, "alternating rounds of blocked ring vs bare futex")->check(CLI::Range(1, 15));
  app.add_flag("--quick", quick, "a short run (smoke test): fewer messages, 2 s idle");
  CLI11_PARSE(app, argc, argv);
  if (quick) {
    params.messages = 2'000;
    params.throughput_messages = 100'000;
    params.idle_seconds = 2;
  }

  std::printf("payload: Bar in a size-prefixed Envelope, %zu bytes; %llu samples per case, one every %lld us\n\n",
              [] { rrr::messages::EnvelopeBuilder b; return rrr::bench::benchMessage(b, 0).size(); }(),
              static_cast<unsigned long long>(params.messages), static_cast<long long>(params.interval_ns / 1000));
  std::printf("blocked ring and bare futex: %d alternating rounds each, the median round shown\n", rounds);
  std::printf("%-34s %9s %9s %9s %9s %8s\n", "one-way hop latency (us)", "p50", "p99", "p99.9", "max", "samples");
  const auto ring_hot = rrr::bench::ringLatency(params, rrr::ring::IdlePolicy::hot());
  printLatency("ring, consumer spinning (hot)", ring_hot);
  // Alternating rounds, compared by their medians, so that drift in machine load does not favour
  // whichever case runs first.
  std::vector<LatencySummary> blocked_rounds;
  std::vector<LatencySummary> futex_rounds;
  for (int round = 0; round < rounds; ++round) {
    blocked_rounds.push_back(rrr::bench::ringLatency(params, rrr::ring::IdlePolicy::blocking()));
    futex_rounds.push_back(rrr::bench::futexWakeLatency(params));
  }
  const auto ring_blocked = medianRound(blocked_rounds);
  const auto futex = medianRound(futex_rounds);
  printLatency("ring, consumer blocked (median rnd)", ring_blocked);
  printLatency("bare futex wake-up (median rnd)", futex);
  const auto zmq_blocking = rrr::bench::zmqLatency(params, false);
  printLatency("zeromq ipc pub/sub, blocking recv", zmq_blocking);
  const auto zmq_spinning = rrr::bench::zmqLatency(params, true);
  printLatency("zeromq ipc pub/sub, spinning recv", zmq_spinning);

  const auto ring_rate = rrr::bench::ringThroughput(params);
  const auto zmq_rate = rrr::bench::zmqThroughput(params);
  std::printf("\nthroughput (messages/s, decoded)   ring %.0f   zeromq %.0f   ratio %.1fx\n", ring_rate.messages_per_second,
              zmq_rate.messages_per_second, ring_rate.messages_per_second / zmq_rate.messages_per_second);

  const double idle_share = rrr::bench::ringIdleCpuShare(params);
  std::printf("idle blocked ring consumer: %.3f%% of a core over %d s\n\n", idle_share * 100, params.idle_seconds);

  const double hot_ratio = zmq_blocking.p50_us / ring_hot.p50_us;
  std::printf("targets\n");
  std::printf("  hot ring p50 >= 20x lower than zeromq's:  %.0fx            %s\n", hot_ratio, verdict(hot_ratio >= 20));
  std::printf("  hot ring p50 < 1 us:                      %.2f us         %s\n", ring_hot.p50_us, verdict(ring_hot.p50_us < 1));
  std::printf("  hot ring p99 < 10 us:                     %.2f us         %s\n", ring_hot.p99_us, verdict(ring_hot.p99_us < 10));
  // The ring's blocked hop is the futex wake-up plus a few atomic operations (~100 ns), far below
  // the run-to-run noise of the wake-up itself (+-10% here): "no slower" means within 5%.
  std::printf("  blocked ring p50 within 5%% of bare futex: %.2f vs %.2f us (%.2fx)  %s\n", ring_blocked.p50_us,
              futex.p50_us, ring_blocked.p50_us / futex.p50_us, verdict(ring_blocked.p50_us <= futex.p50_us * 1.05));
  std::printf("  idle consumer < 0.5%% of a core:           %.3f%%          %s\n", idle_share * 100, verdict(idle_share < 0.005));
  return 0;
}
