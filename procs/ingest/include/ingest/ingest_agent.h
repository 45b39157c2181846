#pragma once
// rrr-ingest's agent: rows from its source (synthetic market or file replay) through the
// pipeline onto the md ring as Bars and Trades, paced as configured.
//
// Restart: the messages are a deterministic function of the config, so a restarted ingest runs
// the pipeline again from the start and publishes only what comes after the ring's last published
// message (the ring's sequence counts them). Nothing is lost and nothing is published twice. The
// regenerated message at the ring's last place must equal the one there; if the config or files
// changed meanwhile, it does not (or the new source ends before that place), and the new source is
// published from its start, after what is there.
// A ring made anew while the store kept an earlier run's bars (a reboot cleared /dev/shm, or
// `rrr-supervisor remove-rings`): the source is run again from its start and what the store holds
// is not published again (per series, up to its last stored bar, and the trades inside it), so the
// consumers, whose state carried over, go on from there. Those places are kept for the ring
// (store_resume.h): a restart leaves out the same messages before it counts the ring's. If the
// regenerated bar at a series' last stored place differs from the stored one, or the source ends
// before it, the source changed: it is published from its start. (A replay's end closes partial
// aggregate bars; the same replay extended by more files makes them whole, which counts as a
// change, here as on a kept ring.)
// A stream halted by its validation policy stops; the rest go on, and the process reports itself
// Degraded with the place and rule. At the end of a replay it logs a summary and idles.

#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "common/os/burst_cpu.h"
#include "common/os/deadline_timer.h"
#include "common/process/streams.h"
#include "ingest/ingest_config.h"
#include "ingest/ingest_pipeline.h"
#include "ingest/pacer.h"
#include "ingest/store_resume.h"

namespace rrr::ingest {

class IngestAgent : public process::Agent {
 public:
  // Nullptr (after logging why) if its settings, files or ring are unusable.
  static std::unique_ptr<IngestAgent> create(process::ProcessRuntime& runtime);

  int doWork() override;
  void idle(std::chrono::milliseconds max_wait) override;
  void prepareForBurst() override { md_.producer().prefaultAhead(); }
  std::int64_t eventLagNs() const override { return lag_ns_; }
  bool degraded() const override { return !halts_.empty(); }
  std::string degradedReason() const override;

 private:
  struct Feed {
    std::unique_ptr<MarketSource> source;
    IngestPipeline pipeline;
  };
  static Result<Feed, std::string> makeFeed(const IngestConfig& config);

  IngestAgent(process::OutputStream md, IngestConfig config, Feed feed);

  // Runs the source through the pipeline until there is something to publish; false if not. With
  // look_ahead, also until the messages of the first one's event time are all made, and one after.
  bool refill(bool look_ahead = true);
  // One source item through the pipeline into pending_; false if the feed has nothing yet.
  bool pullOne();
  // The source is not the one whose messages are on the ring: a new feed, published in full.
  void startSourceAgain(const char* why);
  bool publish(const OutMessage& message);
  bool buildAndSend(const OutMessage& message, bool send);
  void rehearseNextBurst();
  // Whether the messages due next (those of the first pending one's event time) include a bar.
  bool nextBurstHasBar() const;
  // Whether message (regenerated at the ring's last published place) is the one published there.
  bool sameAsLastOnRing(const OutMessage& message) const;
  // The resume points from the store (a new ring) or kept for this ring (see store_resume.h).
  void loadStoreResume(const std::filesystem::path& db_dir, const std::filesystem::path& engine_checkpoint);
  // Whether the store holds message already; sets stored_mismatch_ if it holds another bar there.
  bool alreadyStored(const OutMessage& message);

  process::OutputStream md_;
  // The rings of the hot path below md, opened when they exist, for the heads-up.
  std::optional<ring::RingSegment> pred_;
  std::optional<ring::RingSegment> intent_;
  IngestConfig config_;
  std::optional<Feed> feed_;
  Pacer pacer_;
  std::deque<OutMessage> pending_;
  std::vector<OutMessage> scratch_;
  std::uint64_t to_skip_;           // already on the ring before a restart
  std::optional<std::vector<std::byte>> last_on_ring_;
  // Per (symbol, interval): the last bar stored, while the source has not passed it.
  LastStoredBars stored_;
  std::filesystem::path resume_path_;
  std::uint64_t stored_skipped_ = 0;   // messages not published again: the store holds them
  std::string stored_mismatch_;        // the series whose stored bar this source does not make
  bool finished_ = false;           // every row read
  bool complete_ = false;           // and every message published
  std::vector<std::string> halts_;
  std::int64_t lag_ns_ = 0;
  Pacer::Clock::time_point wait_until_{};
  bool back_pressured_ = false;
  std::optional<Pacer::Clock::time_point> quiet_until_;   // after a paced bar: see kQuietAfterBar
  os::BurstCpu burst_cpu_{os::BurstCpu::Side::kLast};     // the core it shares with rrr-engine in a paced burst
  os::DeadlineTimer quiet_timer_;                         // for quiet_until_, armed ahead when it can be
};

}  // namespace rrr::ingest
