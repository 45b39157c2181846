#pragma once
// rrr-ingest (walking skeleton): publishes the synthetic feed's Bars on the md ring, paced in
// real time (settings.bar_interval_ms per step of every symbol).

#include <memory>
#include <optional>

#include "common/process/streams.h"
#include "ingest/synthetic_feed.h"

namespace rrr::ingest {

class IngestAgent : public process::Agent {
 public:
  // Nullptr (after logging why) if its ring or settings are unusable.
  static std::unique_ptr<IngestAgent> create(process::ProcessRuntime& runtime);

  int doWork() override;
  void idle(std::chrono::milliseconds max_wait) override;

 private:
  IngestAgent(process::OutputStream md, SyntheticFeed feed, std::size_t symbol_count, std::chrono::milliseconds interval);

  process::OutputStream md_;
  SyntheticFeed feed_;
  std::optional<SyntheticBar> pending_;   // generated, not yet accepted by the ring
  std::size_t symbol_count_;
  std::chrono::milliseconds interval_;
  std::chrono::steady_clock::time_point next_bar_;
};

}  // namespace rrr::ingest
