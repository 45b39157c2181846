#pragma once
// rrr-ingest's agent: rows from its source (synthetic market or file replay) through the
// pipeline onto the md ring as Bars and Trades, paced as configured.
//
// Restart: the messages are a deterministic function of the config, so a restarted ingest runs
// the pipeline again from the start and publishes only what comes after the ring's last published
// message (the ring's sequence counts them). Nothing is lost and nothing is published twice.
// A stream halted by its validation policy stops; the rest go on, and the process reports itself
// Degraded with the place and rule. At the end of a replay it logs a summary and idles.

#include <deque>
#include <memory>

#include "common/process/streams.h"
#include "ingest/ingest_config.h"
#include "ingest/ingest_pipeline.h"
#include "ingest/pacer.h"

namespace rrr::ingest {

class IngestAgent : public process::Agent {
 public:
  // Nullptr (after logging why) if its settings, files or ring are unusable.
  static std::unique_ptr<IngestAgent> create(process::ProcessRuntime& runtime);

  int doWork() override;
  void idle(std::chrono::milliseconds max_wait) override;
  std::int64_t eventLagNs() const override { return lag_ns_; }
  bool degraded() const override { return !halts_.empty(); }
  std::string degradedReason() const override;

 private:
  IngestAgent(process::OutputStream md, std::unique_ptr<MarketSource> source, IngestPipeline pipeline, Pacing pacing);

  // Runs the source through the pipeline until there is something to publish; false if not.
  bool refill();
  bool publish(const OutMessage& message);

  process::OutputStream md_;
  std::unique_ptr<MarketSource> source_;
  IngestPipeline pipeline_;
  Pacer pacer_;
  std::deque<OutMessage> pending_;
  std::vector<OutMessage> scratch_;
  std::uint64_t to_skip_;           // already on the ring before a restart
  bool finished_ = false;           // every row read
  bool complete_ = false;           // and every message published
  std::vector<std::string> halts_;
  std::int64_t lag_ns_ = 0;
  Pacer::Clock::time_point wait_until_{};
  bool back_pressured_ = false;
};

}  // namespace rrr::ingest
