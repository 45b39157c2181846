#include <sys/resource.h>

#include "bench_process.h"
#include "common/os/futex.h"
#include "common/ring/ring_consumer.h"
#include "common/ring/ring_producer.h"
#include "shared_results.h"
#include "transport_cases.h"

namespace rrr::bench {
namespace {

constexpr ring::RingConfig kBenchRing{512, 4096};

// A ring created for one case, with its durable consumer registered, removed afterwards.
class ScratchRing {
 public:
  ScratchRing() : name_("rrr-bench-" + std::to_string(getpid())) {
    ring::RingSegment::remove(name_);
    auto segment = ring::RingSegment::create(name_, kBenchRing);
    if (!segment.ok()) throw std::runtime_error(segment.error().message);
    if (!ring::RingConsumer::registerConsumer(*segment, "bench", ring::ConsumerKind::kDurable).ok()) {
      throw std::runtime_error("cannot register the bench consumer");
    }
  }
  ~ScratchRing() { ring::RingSegment::remove(name_); }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
};

// Consumer side: reads `count` messages, decoding each, recording latency against the envelope's
// publish time (set from the steady clock by the producer).
int consumeRing(const std::string& ring_name, std::uint64_t count, const ring::IdlePolicy& policy,
                SharedResults& results) {
  auto consumer = ring::RingConsumer::attach(ring_name, "bench", ring::ConsumerKind::kDurable);
  if (!consumer.ok()) return 3;
  auto& counters = results.counters();
  counters.ready.store(1);
  for (std::uint64_t i = 0; i < count;) {
    if (!consumer->waitForMessage(std::chrono::seconds(30), policy)) return 4;
    const auto message = consumer->peek();
    const std::int64_t now = steadyNs();  // the hop ends when the bytes are here, before decoding
    const auto decoded = messages::decode(message->payload);
    if (!decoded.ok()) return 5;
    if (i == 0) counters.first_ns.store(now);
    if (i < results.capacity()) results.samples()[i] = now - decoded.value()->publish_time_ns();
    consumer->commit();
    counters.received.store(++i, std::memory_order_relaxed);
  }
  counters.last_ns.store(steadyNs());
  return 0;
}

void waitReady(SharedResults& results) {
  while (results.counters().ready.load() == 0) sched_yield();
}

}  // namespace

std::span<const std::byte> benchMessage(messages::EnvelopeBuilder& builder, std::uint64_t sequence,
                                        std::string_view source) {
  builder.reset();
  auto& fbb = builder.fbb();
  const auto bar = msg::CreateBar(fbb, fbb.CreateString("BTCUSDT"), 60, 1'700'000'000'000'000'000, 4'200'000'000'000,
                                  4'210'000'000'000, 4'190'000'000'000, 4'205'000'000'000, 1'234'500'000, 0, 321, sequence);
  return builder.finish(messages::EnvelopeHeader{source, sequence, 1'700'000'000'000'000'000, steadyNs()}, bar);
}

LatencySummary ringLatency(const CaseParams& params, const ring::IdlePolicy& consumer_policy) {
  ScratchRing ring;
  SharedResults results(params.messages);
  ForkedChild child([&] { return consumeRing(ring.name(), params.messages, consumer_policy, results); });
  auto producer = ring::RingProducer::open(ring.name());
  if (!producer.ok()) throw std::runtime_error(producer.error().message);
  messages::EnvelopeBuilder builder;
  waitReady(results);
  std::int64_t next = steadyNs();
  for (std::uint64_t i = 0; i < params.messages; ++i) {
    next += params.interval_ns;
    sleepUntil(next);
    producer->publish(benchMessage(builder, i), std::chrono::seconds(30));
  }
  if (!child.join()) throw std::runtime_error("ring latency consumer failed");
  return summarize(results.collected(), params.messages / 10);
}

Throughput ringThroughput(const CaseParams& params) {
  ScratchRing ring;
  SharedResults results(1);
  ForkedChild child([&] { return consumeRing(ring.name(), params.throughput_messages, ring::IdlePolicy::hot(), results); });
  auto producer = ring::RingProducer::open(ring.name());
  messages::EnvelopeBuilder builder;
  waitReady(results);
  const std::int64_t start = steadyNs();
  for (std::uint64_t i = 0; i < params.throughput_messages; ++i) {
    producer->publish(benchMessage(builder, i), std::chrono::seconds(30));
  }
  if (!child.join()) throw std::runtime_error("ring throughput consumer failed");
  const auto elapsed = static_cast<double>(results.counters().last_ns.load() - start) / 1e9;
  return {static_cast<double>(results.counters().received.load()) / elapsed, results.counters().received.load()};
}

double ringIdleCpuShare(const CaseParams& params) {
  ScratchRing ring;
  SharedResults results(1);
  ForkedChild child([&] {
    auto consumer = ring::RingConsumer::attach(ring.name(), "bench", ring::ConsumerKind::kDurable);
    if (!consumer.ok()) return 3;
    results.counters().ready.store(1);
    consumer->waitForMessage(std::chrono::seconds(params.idle_seconds));
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const auto cpu_us = (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1'000'000L + usage.ru_utime.tv_usec +
                        usage.ru_stime.tv_usec;
    results.counters().cpu_ns.store(cpu_us * 1000);
    return 0;
  });
  auto producer = ring::RingProducer::open(ring.name());  // present, silent
  if (!child.join()) throw std::runtime_error("idle consumer failed");
  return static_cast<double>(results.counters().cpu_ns.load()) / (params.idle_seconds * 1e9);
}

// The floor for a blocked reader: one process sleeps in FUTEX_WAIT, the other stamps the time,
// bumps the word and calls FUTEX_WAKE. No ring, no message.
LatencySummary futexWakeLatency(const CaseParams& params) {
  SharedResults results(params.messages);
  auto& counters = results.counters();
  ForkedChild child([&] {
    // Finishes by the word's value: two wake-ups that land before the reader runs count once.
    std::uint32_t seen = 0;
    std::uint64_t i = 0;
    counters.ready.store(1);
    while (seen < params.messages) {
      const std::uint32_t now_value = counters.wake.load();
      if (now_value == seen) {
        os::futexWait(counters.wake, seen, std::chrono::seconds(1));
        continue;
      }
      seen = now_value;
      results.samples()[i] = steadyNs() - counters.stamp_ns.load();
      counters.received.store(++i);
    }
    return 0;
  });
  waitReady(results);
  std::int64_t next = steadyNs();
  for (std::uint64_t i = 0; i < params.messages; ++i) {
    next += params.interval_ns;
    sleepUntil(next);
    counters.stamp_ns.store(steadyNs());
    counters.wake.fetch_add(1);
    os::futexWakeAll(counters.wake);
  }
  if (!child.join()) throw std::runtime_error("futex consumer failed");
  return summarize(results.collected(), params.messages / 10);
}

}  // namespace rrr::bench
