#pragma once
// A ring segment created for one test and removed after it.

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "common/ring/ring_segment.h"
#include "support/unique_name.h"

namespace rrr::testing {

// A payload whose first 8 bytes are value.
inline std::vector<std::byte> payloadOf(std::uint64_t value, std::size_t bytes = 8) {
  std::vector<std::byte> payload(bytes);
  std::memcpy(payload.data(), &value, sizeof(value));
  return payload;
}

class RingFixture : public ::testing::Test {
 protected:
  void createRing(std::uint64_t capacity, std::uint32_t slot_bytes = 128) {
    name_ = uniqueName("rrr-test-ring");
    auto created = ring::RingSegment::create(name_, ring::RingConfig{slot_bytes, capacity});
    ASSERT_TRUE(created.ok()) << created.error().message;
    segment_.emplace(std::move(created).value());
  }
  void TearDown() override {
    if (!name_.empty()) ring::RingSegment::remove(name_);
  }
  const std::string& ringName() const { return name_; }
  ring::RingSegment& segment() { return *segment_; }

 private:
  std::string name_;
  std::optional<ring::RingSegment> segment_;
};

}  // namespace rrr::testing
