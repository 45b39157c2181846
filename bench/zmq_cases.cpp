#include <zmq.hpp>

#include "bench_process.h"
#include "common/bus/tap.h"
#include "shared_results.h"
#include "transport_cases.h"

namespace rrr::bench {
namespace {

std::string scratchEndpoint(const CaseParams& params) {
  return "ipc://" + params.scratch_dir + "/rrr-bench-" + std::to_string(getpid()) + ".sock";
}

// Subscriber side: the first frame that arrives proves the subscription is live (ZeroMQ's slow
// joiner); frames from source "warmup" are not measured.
int consumeZmq(const std::string& endpoint, std::uint64_t count, bool spin, int high_water_mark,
               SharedResults& results) {
  zmq::context_t context;
  auto subscriber = bus::TapSubscriber::connect(context, {endpoint}, {"Bar"}, high_water_mark);
  if (!subscriber.ok()) return 3;
  auto& counters = results.counters();
  for (std::uint64_t i = 0; i < count;) {
    const auto frame = subscriber->receive(spin ? std::chrono::milliseconds(0) : std::chrono::milliseconds(30'000));
    const std::int64_t now = steadyNs();
    if (!frame) {
      if (spin) continue;
      return 4;
    }
    const auto decoded = messages::decode(frame->payload);
    if (!decoded.ok()) return 5;
    counters.ready.store(1);
    if (decoded.value()->source()->string_view() == "warmup") continue;
    if (i == 0) counters.first_ns.store(now);
    if (i < results.capacity()) results.samples()[i] = now - decoded.value()->publish_time_ns();
    counters.received.store(++i, std::memory_order_relaxed);
  }
  counters.last_ns.store(steadyNs());
  return 0;
}

void warmUp(bus::TapPublisher& publisher, messages::EnvelopeBuilder& builder, SharedResults& results) {
  while (results.counters().ready.load() == 0) {
    publisher.publish("Bar", benchMessage(builder, 0, "warmup"));
    sleepUntil(steadyNs() + 1'000'000);
  }
}

}  // namespace

LatencySummary zmqLatency(const CaseParams& params, bool consumer_spins) {
  const auto endpoint = scratchEndpoint(params);
  SharedResults results(params.messages);
  zmq::context_t context;
  auto publisher = bus::TapPublisher::bind(context, endpoint);
  if (!publisher.ok()) throw std::runtime_error(publisher.error().message);
  ForkedChild child([&] { return consumeZmq(endpoint, params.messages, consumer_spins, bus::kTapHighWaterMark, results); });
  messages::EnvelopeBuilder builder;
  warmUp(*publisher, builder, results);
  std::int64_t next = steadyNs();
  for (std::uint64_t i = 0; i < params.messages; ++i) {
    next += params.interval_ns;
    sleepUntil(next);
    publisher->publish("Bar", benchMessage(builder, i));
  }
  if (!child.join()) throw std::runtime_error("zmq latency subscriber failed");
  return summarize(results.collected(), params.messages / 10);
}

// High-water marks of 0 (no limit) so that PUB drops nothing and every message is counted.
Throughput zmqThroughput(const CaseParams& params) {
  const auto endpoint = scratchEndpoint(params);
  SharedResults results(1);
  zmq::context_t context;
  auto publisher = bus::TapPublisher::bind(context, endpoint, /*high_water_mark=*/0);
  if (!publisher.ok()) throw std::runtime_error(publisher.error().message);
  ForkedChild child([&] { return consumeZmq(endpoint, params.throughput_messages, false, 0, results); });
  messages::EnvelopeBuilder builder;
  warmUp(*publisher, builder, results);
  const std::int64_t start = steadyNs();
  for (std::uint64_t i = 0; i < params.throughput_messages; ++i) publisher->publish("Bar", benchMessage(builder, i));
  if (!child.join()) throw std::runtime_error("zmq throughput subscriber failed");
  const auto elapsed = static_cast<double>(results.counters().last_ns.load() - start) / 1e9;
  return {static_cast<double>(results.counters().received.load()) / elapsed, results.counters().received.load()};
}

}  // namespace rrr::bench
