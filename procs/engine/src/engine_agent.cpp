#include "engine/engine_agent.h"

#include <spdlog/spdlog.h>

#include "common/fixed_point.h"
#include "common/process/agent_factory.h"
#include "common/process/process_settings.h"

#include "engine_agent_internal.h"

namespace rrr::engine {

using namespace detail;

std::unique_ptr<EngineAgent> EngineAgent::create(process::ProcessRuntime& runtime) {
  auto loaded = process::ProcessSettings::load(runtime.context());
  if (!loaded.ok()) {
    spdlog::error("{}", loaded.error().message);
    return nullptr;
  }
  auto settings = loadEngineSettings(*loaded);
  auto rehearsal_settings = loadEngineSettings(*loaded);   // strategies are owned: a second set
  if (!settings.ok() || !rehearsal_settings.ok()) {
    spdlog::error("{}", settings.ok() ? rehearsal_settings.error().message : settings.error().message);
    return nullptr;
  }
  auto market = process::attachInput(runtime, "md");
  auto predictions = process::attachInput(runtime, "pred");
  auto decisions = process::attachInput(runtime, "decision");
  auto intents = process::openOutput(runtime, "intent");
  auto exec = process::openOutput(runtime, "exec");
  if (!market || !predictions || !decisions || !intents || !exec) return nullptr;
  std::unique_ptr<EngineAgent> agent(new EngineAgent(runtime, std::move(settings).value(), std::move(*market), std::move(*predictions),
                                                     std::move(*decisions), std::move(*intents), std::move(*exec)));
  agent->rehearsal_core_ = std::make_unique<TradingCore>(rehearsal_settings->core, std::move(rehearsal_settings->strategies));
  if (auto status = agent->restore(); !status.ok()) {
    spdlog::error("{}", status.error().message);
    return nullptr;
  }
  spdlog::info("{} strategies; {}", agent->core_->strategies(),
               agent->needs_predictions_ ? "predictions from rrr-infer are awaited in order" : "no strategy uses predictions");
  return agent;
}

EngineAgent::EngineAgent(process::ProcessRuntime& runtime, EngineSettings settings, process::InputStream market,
                         process::InputStream predictions, process::InputStream decisions, process::OutputStream intents,
                         process::OutputStream exec)
    : checkpoint_every_(settings.checkpoint_every),
      decision_timeout_(settings.decision_timeout),
      core_(std::make_unique<TradingCore>(settings.core, std::move(settings.strategies))),
      market_(std::move(market)),
      predictions_(std::move(predictions)),
      decisions_(std::move(decisions)),
      intents_{std::move(intents)},
      exec_{std::move(exec)},
      checkpoint_path_(runtime.context().engineCheckpointPath()),
      needs_predictions_(core_->needsPredictions()),
      last_checkpoint_(Clock::now()),
      checkpoint_writer_(checkpoint_path_) {
  for (auto* output : {&intents_, &exec_}) output->next = output->held_end = output->stream.producer().nextSequence();
}

int EngineAgent::doWork() {
  int work = 0;
  if (under_way_) settleCheckpoint(false);
  if (!flush()) return 0;
  work += readDecisions();
  if (!flush()) return work;
  work += handleInputs();
  flush();
  reportSkipped();
  if (core_->awaitingDecisions() > 0) {
    if (!awaiting_since_) awaiting_since_ = Clock::now();
    // rrr-risk may otherwise have no room left on the decision ring for the decision awaited.
    if (pending_.empty()) checkpointForRoom();
  } else {
    awaiting_since_.reset();
    if (pending_.empty()) checkpoint(false);
  }
  return work;
}

// Decisions are taken in ring order: each for an awaited intent, RiskEvents as they come. While
// replaying, a decision for an intent not regenerated yet stays on the ring until it is.
int EngineAgent::readDecisions() {
  int taken = 0;
  std::uint64_t sequence = 0;
  while (const auto* envelope = decisions_.peek(sequence)) {
    if (const auto* decision = envelope->body_as_RiskDecision()) {
      const auto id = decision->client_order_id()->str();
      if (core_->awaits(id)) {
        CoreOutput out;
        core_->onDecision(id, decision->approved(), decision->detail() ? decision->detail()->str() : "", out);
        decisions_applied_ = sequence;
        queue(std::move(out));
      } else if (replaying()) {
        break;
      } else {
        spdlog::warn("decision {} is for {}, an intent this engine does not await; ignored", sequence, id);
      }
    } else if (const auto* event = envelope->body_as_RiskEvent()) {
      const bool killed = event->kill_switch_active() && !kill_switch_;
      if (killed || (event->trading_halted() && !halted_)) {
        const char* why = killed ? "kill switch" : "trading halted";
        spdlog::warn("{}: cancelling every open order", why);
        CoreOutput out;
        core_->cancelAll(why + (event->detail() ? ": " + event->detail()->str() : std::string()), out);
        queue(std::move(out));
        force_checkpoint_ = true;
      }
      kill_switch_ = event->kill_switch_active();
      halted_ = event->trading_halted();
      if (CoreOutput out; core_->rearm(event->rearms(), out)) {
        spdlog::warn("re-armed by hand in rrr-risk (re-arm {}): peak and day-start equity start again from {}", event->rearms(),
                     formatFixed(core_->portfolio().equity()));
        queue(std::move(out));
        force_checkpoint_ = true;
      }
    }
    decisions_.take();
    ++inputs_since_checkpoint_;
    ++taken;
  }
  return taken;
}

// rrr-infer publishes a bar's prediction before it commits the bar (TransformAgent), so once its
// cursor is past every bar before this one, each prediction due before this bar is on pred.
bool EngineAgent::inferHasRead(std::uint64_t market_sequence) const {
  const auto infer = market_.consumer().segment().consumerCursor("infer");
  return !infer || *infer >= market_sequence;
}

// Each input's output goes out before the next input is looked at: in a burst the prediction is
// usually on its ring by the time the bar's records are out, and a pass through the run loop
// between them cost ~3 us on the path (cold code).
int EngineAgent::handleInputs() {
  int handled = 0;
  while (handled < kMaxInputsPerCall && core_->awaitingDecisions() == 0 && flush()) {
    checkpointForRoom();
    std::uint64_t market_sequence = 0, prediction_sequence = 0;
    const auto* bar = market_.peek(market_sequence);
    const auto* prediction = predictions_.peek(prediction_sequence);
    if (prediction != nullptr && (!needs_predictions_ || prediction->body_as_Prediction() == nullptr)) {
      predictions_.take();   // nothing here uses it
      ++handled;
      continue;
    }
    const auto cause = prediction != nullptr ? prediction->cause_sequence() : std::nullopt;
    if (prediction != nullptr && (!cause || bar == nullptr || market_sequence > *cause)) {
      handlePrediction(*prediction);
      predictions_.take();
      ++handled;
      continue;
    }
    if (bar == nullptr) break;
    // A prediction peeked above has its cause at or after this bar: the bar goes first.
    if (needs_predictions_ && prediction == nullptr) {
      if (!inferHasRead(market_sequence)) {
        if (!gated_since_) gated_since_ = Clock::now();
        break;
      }
      // Looked at again after the cursor: one rrr-infer published since the look above may be due
      // before this bar, and which came first must not depend on when the engine looked.
      if (predictions_.peek(prediction_sequence) != nullptr) continue;
    }
    gated_since_.reset();
    handleMarket(*bar);
    market_.take();
    ++handled;
  }
  inputs_since_checkpoint_ += static_cast<std::uint64_t>(handled);
  if (handled > 0) {
    rehearsed_ = false;
    last_input_ = Clock::now();
  }
  return handled;
}

// A feed that started again from its beginning (its ring made anew while this state carried over)
// brings bars and predictions the state already reflects; the core skips them. Said at most once a
// second, so that the log shows it without a line per bar.
void EngineAgent::reportSkipped() {
  const auto skipped = core_->skippedBars() + core_->skippedPredictions();
  if (skipped == skipped_reported_ || Clock::now() - skipped_reported_at_ < 1s) return;
  spdlog::warn("skipped {} bars and {} predictions no newer than what the state already reflects (event time {}): a feed that "
               "started again from its beginning? Input after that time is taken as usual",
               core_->skippedBars(), core_->skippedPredictions(), core_->nowNs());
  skipped_reported_ = skipped;
  skipped_reported_at_ = Clock::now();
}

void EngineAgent::handleMarket(const msg::Envelope& envelope) {
  const auto* bar = envelope.body_as_Bar();
  if (bar == nullptr) return;   // trades: the venue fills on bars
  const BarEvent event{bar->symbol()->str(), static_cast<std::int64_t>(bar->interval_s()), bar->open_time_ns(), bar->open_e8(),
                       bar->high_e8(), bar->low_e8(), bar->close_e8(), bar->volume_e8()};
  // Without an ml strategy an intent may follow this bar within microseconds: wake rrr-risk now.
  if (!needs_predictions_) intents_.stream.producer().headsUp();
  rememberLast(last_bars_, event, [&](const BarEvent& last) { return last.symbol == event.symbol && last.interval_s == event.interval_s; });
  CoreOutput out;
  core_->onBar(event, out);
  queue(std::move(out));
}

void EngineAgent::handlePrediction(const msg::Envelope& envelope) {
  const auto* prediction = envelope.body_as_Prediction();
  const PredictionEvent event{prediction->symbol()->str(), envelope.event_time_ns(), prediction->score(), prediction->confidence()};
  intents_.stream.producer().headsUp();   // an intent may follow within microseconds: wake rrr-risk now
  rememberLast(last_predictions_, event, [&](const PredictionEvent& last) { return last.symbol == event.symbol; });
  CoreOutput out;
  core_->onPrediction(event, out);
  queue(std::move(out));
}

std::vector<process::RingLagReport> EngineAgent::ringLags() const {
  return {market_.lag(), predictions_.lag(), decisions_.lag()};
}

bool EngineAgent::degraded() const { return !degradedReason().empty(); }

std::string EngineAgent::degradedReason() const {
  const auto now = Clock::now();
  if (awaiting_since_ && now - *awaiting_since_ > decision_timeout_) {
    return "fail closed: " + std::to_string(core_->awaitingDecisions()) + " intents have waited " +
           std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(now - *awaiting_since_).count()) +
           " ms for rrr-risk; nothing is executed until it decides";
  }
  if (gated_since_ && now - *gated_since_ > kInferWaitReported) {
    return "waiting " + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(now - *gated_since_).count()) +
           " ms for rrr-infer to read the next bar (an ml strategy needs its prediction first)";
  }
  if (checkpoint_failing_) {
    return "checkpoints failing for " +
           std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(now - checkpoint_failing_->since).count()) +
           " ms (the inputs since the last one stay on their rings, and a restart goes back to it): " + checkpoint_failing_->error;
  }
  if (replay_mismatches_ > 0) {
    return std::to_string(replay_mismatches_) + " messages regenerated after a restart differ from what the rings held (see the log)";
  }
  return {};
}

void EngineAgent::onStop() {
  flush();
  settleCheckpoint(true);
  if (core_->awaitingDecisions() == 0 && pending_.empty()) checkpoint(true);
}

}  // namespace rrr::engine