#pragma once
// rrr-engine: runs the configured strategies on the md ring's bars and rrr-infer's predictions,
// sends their order intents to rrr-risk (intent ring), executes what risk approves on the paper
// venue, and publishes Orders, OrderUpdates, Fills and PortfolioSnapshots (exec ring).
//
// One order of inputs, whatever the timing (TradingCore is deterministic, so this makes a run
// reproducible and a restart exact):
//   - md message s and the prediction caused by md message c go in the order (s, 0) < (c, 1):
//     a bar is handled once no earlier-caused prediction can still come (rrr-infer has read past
//     it), a prediction once its bar was handled. Without an ml strategy predictions are skipped
//     and nothing waits for rrr-infer.
//   - after an input that emitted intents, nothing else is handled until rrr-risk has decided each
//     of them: the intent is on a durable ring before anything executes, and with risk down or
//     slow nothing goes out (fail closed; the engine reports Degraded after decision_timeout).
//   - RiskEvents are applied as they come: the kill switch cancels every open order.
//
// The hot path (docs/ARCHITECTURE.md): rrr-ingest's heads-up on pred comes ~1 ms before a bar.
// The engine then rehearses: it decodes the last messages of its inputs again and runs the next
// bar and prediction it expects through a scratch copy of its state, encoding what that produces
// and publishing nothing. After ~100 ms idle on these VMs the code and data of the path are cold,
// and the real bar and prediction would pay for it (~80 us instead of ~15 us here).
//
// Restart: see engine_checkpoint.h. The checkpoint holds the state and the ring positions; the
// inputs since it are replayed and regenerate what was published after it, which is checked
// against the rings (replayKey) and not published again.

#include <array>
#include <chrono>
#include <deque>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/messages/envelope.h"
#include "common/os/burst_cpu.h"
#include "common/process/agent.h"
#include "common/process/streams.h"
#include "engine/checkpoint_writer.h"
#include "engine/engine_checkpoint.h"
#include "engine/engine_config.h"
#include "engine/trading_core.h"

namespace rrr::engine {

class EngineAgent : public process::Agent {
 public:
  static std::unique_ptr<EngineAgent> create(process::ProcessRuntime& runtime);

  int doWork() override;
  void idle(std::chrono::milliseconds max_wait) override;
  void prepareForBurst() override {
    intents_.stream.producer().prefaultAhead();
    exec_.stream.producer().prefaultAhead();
    market_.consumer().prefaultAhead();
    decisions_.consumer().prefaultAhead();
  }
  std::vector<process::RingLagReport> ringLags() const override;
  bool degraded() const override;
  std::string degradedReason() const override;
  void onStop() override;

 private:
  // An output ring and how much of what the engine generates it already holds.
  struct Output {
    process::OutputStream stream;
    std::uint64_t next = 0;       // sequence of the next message the engine generates
    std::uint64_t held_end = 0;   // the ring's count at start: below it, messages are already there
  };
  using Pending = std::variant<IntentOut, ExecRecord>;

  EngineAgent(process::ProcessRuntime& runtime, EngineSettings settings, process::InputStream market,
              process::InputStream predictions, process::InputStream decisions, process::OutputStream intents,
              process::OutputStream exec);
  Status<std::string> restore();
  bool replaying() const { return intents_.next < intents_.held_end; }

  int readDecisions();
  int handleInputs();
  void handleMarket(const msg::Envelope& envelope);
  void handlePrediction(const msg::Envelope& envelope);
  bool inferHasRead(std::uint64_t market_sequence) const;
  void queue(CoreOutput output);
  bool flush();
  bool publish(const Pending& item);
  // Starts a checkpoint if one is due, written on checkpoint_writer_'s thread; force: at once, and
  // written before this returns. False if a forced one could not be written.
  bool checkpoint(bool force);
  // Takes the outcome of the checkpoint under way once it is over (with wait: waits for it); on
  // disk, the inputs it covers are committed. Nothing while it is under way; else whether the
  // last one was written (true if there was none).
  std::optional<bool> settleCheckpoint(bool wait);
  void checkpointForRoom();
  bool burstDueSoon(std::chrono::steady_clock::time_point now) const;
  bool feedStopped(std::chrono::steady_clock::time_point now);
  void rehearse();
  std::int64_t shortestIntervalNs(const std::string& symbol) const;
  void pollInputs(std::chrono::steady_clock::time_point until);
  void reportSkipped();

  std::chrono::milliseconds checkpoint_every_;
  std::chrono::milliseconds decision_timeout_;
  std::unique_ptr<TradingCore> core_;
  process::InputStream market_;
  process::InputStream predictions_;
  process::InputStream decisions_;
  Output intents_;
  Output exec_;
  std::filesystem::path checkpoint_path_;
  bool needs_predictions_ = false;
  std::deque<Pending> pending_;
  std::optional<std::uint64_t> decisions_applied_;
  bool kill_switch_ = false;
  bool halted_ = false;        // rrr-risk halted trading (a daily-loss or drawdown breach)
  bool force_checkpoint_ = false;
  std::uint64_t inputs_since_checkpoint_ = 0;
  // A checkpoint handed to the writer: the input cursors it holds (md, pred, decision), committed
  // once it is on disk, and the inputs it covers (counted again if it fails).
  struct CheckpointUnderWay {
    std::array<std::uint64_t, 3> cursors{};
    std::uint64_t inputs = 0;
    bool feed_stopped = false;
  };
  std::optional<CheckpointUnderWay> under_way_;
  std::chrono::steady_clock::time_point last_checkpoint_;
  // Since when checkpoints fail, and the last failure: reported as Degraded until one is written.
  struct CheckpointFailing {
    std::chrono::steady_clock::time_point since;
    std::string error;
  };
  std::optional<CheckpointFailing> checkpoint_failing_;
  std::chrono::steady_clock::time_point feed_checked_at_{};
  std::chrono::steady_clock::time_point room_retry_at_{};
  std::optional<std::chrono::steady_clock::time_point> awaiting_since_;
  std::optional<std::chrono::steady_clock::time_point> gated_since_;
  CheckpointWriter checkpoint_writer_;   // to checkpoint_path_, on a thread of its own
  std::uint64_t replay_mismatches_ = 0;
  std::uint64_t skipped_reported_ = 0;   // bars and predictions the core skipped, as last logged
  std::chrono::steady_clock::time_point skipped_reported_at_{};
  // Rehearsal: a core with the same config and strategies, restored from core_ each time.
  std::unique_ptr<TradingCore> rehearsal_core_;
  std::vector<BarEvent> last_bars_;                  // the last bar of each series
  std::vector<PredictionEvent> last_predictions_;    // the last prediction of each symbol
  bool rehearsed_ = false;   // since the last input taken: one rehearsal per burst
  os::BurstCpu burst_cpu_{os::BurstCpu::Side::kLast};   // the core it shares with rrr-ingest in a paced burst
  std::chrono::steady_clock::time_point last_input_;
  std::chrono::steady_clock::time_point heads_up_at_;   // the last heads-up on pred
  std::chrono::steady_clock::time_point burst_at_;      // the first heads-up of the last burst
  std::chrono::steady_clock::duration burst_period_{};  // from the burst before it
};

}  // namespace rrr::engine
