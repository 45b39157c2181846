// The supervisor's rings: every configured reader is registered before any process starts, so
// that none misses what a producer started beside it publishes first.
#include <gtest/gtest.h>

#include <vector>

#include "../../supervisor/src/ring_setup.h"
#include "common/ring/ring_consumer.h"
#include "common/ring/ring_producer.h"
#include "rrr_system.h"
#include "supervisor/config.h"

namespace rrr::testing {
namespace {

TEST(RingSetup, ALossyReaderThatAttachesAfterTheProducerBeganReadsFromTheFirstMessage) {
  RrrSystem sut(pipelineConfig());
  auto config = supervisor::loadConfig(sut.configPath(), binDirectory());
  ASSERT_TRUE(config.ok()) << config.error().message;
  auto rings = supervisor::prepareRings(*config);
  ASSERT_TRUE(rings.ok()) << rings.error().message;
  const auto md = config->ringPrefix() + "md";
  struct Remove {
    std::vector<ring::RingSegment>& rings;
    ~Remove() {
      for (const auto& segment : rings) ring::RingSegment::remove(segment.name());
    }
  } remove{*rings};

  auto producer = ring::RingProducer::open(md);
  ASSERT_TRUE(producer.ok());
  const std::vector<std::byte> bar(64, std::byte{1});
  for (int published = 0; published < 3; ++published) ASSERT_TRUE(producer->offer(bar).ok());
  // rrr-risk, a lossy reader of md in the config, attaches only now.
  auto risk = ring::RingConsumer::attach(md, "risk", ring::ConsumerKind::kLossy);
  ASSERT_TRUE(risk.ok());
  const auto first = risk->peek();
  ASSERT_TRUE(first.has_value()) << "the bars published before it attached are there to read";
  EXPECT_EQ(first->sequence, 0u);
  // A reader the config does not name starts at the end, as before.
  auto other = ring::RingConsumer::attach(md, "other", ring::ConsumerKind::kLossy);
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->peek().has_value());
}

}  // namespace
}  // namespace rrr::testing
