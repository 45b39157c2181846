#include "ring_setup.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "common/ring/ring_consumer.h"

namespace rrr::supervisor {
namespace {

void removeUnconfigured(const SupervisorConfig& config) {
  std::set<std::string> wanted{config.ringPrefix() + kSystemRing};
  for (const auto& spec : config.rings) wanted.insert(config.ringPrefix() + spec.name);
  for (const auto& name : ringSegmentNames(config.run_dir)) {
    if (!wanted.contains(name)) {
      spdlog::info("removing ring segment {} (no longer configured)", name);
      ring::RingSegment::remove(name);
    }
  }
}

ring::RingResult<ring::RingSegment> openOrCreate(const std::string& name, const RingSpec& spec) {
  const ring::RingConfig shape{spec.slot_bytes, spec.capacity};
  if (auto existing = ring::RingSegment::open(name); existing.ok()) {
    const auto config = existing->config();
    if (config.slot_bytes == shape.slot_bytes && config.capacity == shape.capacity) {
      spdlog::info("reusing ring {} ({} published)", name, existing->published());
      return existing;
    }
    spdlog::warn("ring {} has another shape; recreating it", name);
  } else if (existing.error().code != ring::RingError::kNotFound) {
    spdlog::warn("ring {} unusable ({}); recreating it", name, existing.error().message);
  }
  ring::RingSegment::remove(name);
  return ring::RingSegment::create(name, shape);
}

// A reused segment keeps its registrations; a durable consumer that the config dropped would hold
// the producer back forever, so consumers the config no longer names are forgotten.
void forgetUnconfiguredConsumers(ring::RingSegment& segment, const RingSpec& spec) {
  for (const auto& consumer : segment.info().consumers) {
    const bool named = std::find(spec.durable.begin(), spec.durable.end(), consumer.name) != spec.durable.end() ||
                       std::find(spec.lossy.begin(), spec.lossy.end(), consumer.name) != spec.lossy.end();
    if (named) continue;
    if (auto removed = segment.removeConsumer(consumer.name); removed.ok()) {
      spdlog::info("ring {}: forgot consumer {} (no longer configured)", segment.name(), consumer.name);
    } else {
      spdlog::warn("ring {}: {}", segment.name(), removed.error().message);
    }
  }
}

}  // namespace

Result<std::vector<ring::RingSegment>, ring::RingError> prepareRings(const SupervisorConfig& config) {
  removeUnconfigured(config);
  std::vector<ring::RingSegment> rings;
  auto specs = config.rings;
  RingSpec system{kSystemRing, kSystemRingShape.slot_bytes, kSystemRingShape.capacity, "supervisor", {}, {}};
  if (config.process("store") != nullptr) system.durable.push_back("store");
  specs.push_back(system);
  for (const auto& spec : specs) {
    RRR_ASSIGN_OR_RETURN(auto segment, openOrCreate(config.ringPrefix() + spec.name, spec));
    forgetUnconfiguredConsumers(segment, spec);
    for (const auto& consumer : spec.durable) {
      RRR_RETURN_IF_ERROR(ring::RingConsumer::registerConsumer(segment, consumer, ring::ConsumerKind::kDurable));
    }
    rings.push_back(std::move(segment));
  }
  return rings;
}

}  // namespace rrr::supervisor
